import type { Recording } from '@earshot/shared';
import { connectAudioAdapter, frameFromSamples, toneSamples } from './audio.js';
import { apiRequest, postEvents, signIn } from './clients.js';
import type { EventFactory } from './events.js';
import type { TestServer } from './testServer.js';

export interface RecordedCall {
  /** When the recording's first frame arrived (wall clock): screenshots at `startedAt + offset` line up. */
  startedAt: number;
  /** Ends the call; the recording is finished (and its peaks computed) when this resolves. */
  end: () => Promise<void>;
}

/**
 * A call answered by `agent`, with `seconds` of audio on both sides (a tone each) sent at once, through the
 * real adapter WebSocket: frame n is n × 20 ms into the recording. Resolves once the recording has opened.
 */
export async function startRecordedCall(
  server: TestServer,
  events: EventFactory,
  callId: string,
  agent: { id: string; name: string },
  seconds: number,
): Promise<RecordedCall> {
  const now = Date.now();
  await postEvents(server.url, server.ingestKey, [
    events.offered(callId, now - 20_000),
    events.answered(callId, now - 15_000, agent.id, agent.name),
  ]);
  const adapter = await connectAudioAdapter(server.url, server.ingestKey);
  const frames = Array.from({ length: seconds * 50 }, (_, seq) =>
    frameFromSamples(callId, seq, 'both', 'pcmu', toneSamples(seq, 300), toneSamples(seq, 500)),
  );
  for (let from = 0; from < frames.length; from += 100) adapter.send(frames.slice(from, from + 100));
  const controller = await signIn(server.url, 'controller');
  let startedAt: number | undefined;
  for (let i = 0; i < 50 && startedAt === undefined; i++) {
    const meta = await apiRequest<{ ok: boolean; data?: Recording }>(`${server.url}/api/recordings/${callId}`, {
      session: controller,
    });
    startedAt = meta.body.data?.startedAt;
    if (startedAt === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (startedAt === undefined) throw new Error(`the recording of ${callId} never opened`);
  return {
    startedAt,
    end: async () => {
      // The last frames are written on the recorder's next flush; ending before that would cut them.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const ended = await postEvents(server.url, server.ingestKey, [events.ended(callId, Date.now())]);
      if (ended.status !== 200) throw new Error(`ending ${callId} answered ${ended.status}`);
      adapter.close();
    },
  };
}
