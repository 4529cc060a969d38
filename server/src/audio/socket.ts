import {
  type Ack,
  AudioCommandPayloadSchema,
  type AudioSession,
  type MonitorMode,
  parseAudioMessage,
  parseWith,
} from '@earshot/shared';
import { auditActorFromSocket } from '../audit/context.js';
import { socketCommandRefusal } from '../auth/socket.js';
import type { Clock } from '../clock.js';
import { type DashboardSocket, splitSocketArgs } from '../http/sockets.js';
import type { Logger } from '../logger.js';
import type { LiveAudioHub } from './liveAudioHub.js';
import type { MonitorService } from './monitorService.js';

/** A controller sending frames without a session hears why at most this often. */
const TALK_REFUSAL_INTERVAL_MS = 1_000;

const MODE_OF_COMMAND = { 'audio:listen': 'listen', 'audio:whisper': 'whisper', 'audio:barge': 'barge' } as const;

/** `audio:listen|whisper|barge|leave|talk` for one dashboard socket. */
export function registerAudioHandlers(
  socket: DashboardSocket,
  deps: { monitors: MonitorService; hub: LiveAudioHub; clock: Clock; logger: Logger },
): void {
  const { monitors, hub, clock, logger } = deps;

  for (const command of ['audio:listen', 'audio:whisper', 'audio:barge'] as const) {
    socket.on(command, (...args: unknown[]) => {
      const { payload, ack } = splitSocketArgs<Ack<AudioSession>>(args);
      const refusal = socketCommandRefusal(socket, command, clock.now());
      if (refusal) return ack(refusal);
      const parsed = parseWith(AudioCommandPayloadSchema, payload, `${command} payload`);
      if (!parsed.ok) return ack(parsed);
      const user = socket.data.user;
      if (!user) return ack({ ok: false, error: 'forbidden: sign in first' });
      const mode: MonitorMode = MODE_OF_COMMAND[command];
      monitors
        .take(socket, user, auditActorFromSocket(socket), parsed.data.callId, mode)
        .then(ack, (error: unknown) => {
          logger.error(`${command} failed`, { error });
          ack({ ok: false, error: `internal error while starting to ${mode}` });
        });
    });
  }

  socket.on('audio:leave', (...args: unknown[]) => {
    const { payload, ack } = splitSocketArgs<Ack<null>>(args);
    const refusal = socketCommandRefusal(socket, 'audio:leave', clock.now());
    if (refusal) return ack(refusal);
    const parsed = parseWith(AudioCommandPayloadSchema, payload, 'audio:leave payload');
    if (!parsed.ok) return ack(parsed);
    const session = monitors.sessionOf(socket.id);
    if (!session || session.callId !== parsed.data.callId) return ack({ ok: true, data: null });
    monitors.leave(socket.id).then(
      () => ack({ ok: true, data: null }),
      (error: unknown) => {
        logger.error('audio:leave failed', { error });
        ack({ ok: false, error: 'internal error while leaving the call' });
      },
    );
  });

  let lastRefusalAt = 0;
  const refuseTalk = (callId: string, message: string) => {
    const now = clock.now();
    if (now - lastRefusalAt < TALK_REFUSAL_INTERVAL_MS) return;
    lastRefusalAt = now;
    socket.emit('audio:stopped', { callId, reason: 'permission_lost', message });
  };
  socket.on('audio:talk', (...args: unknown[]) => {
    const { payload } = splitSocketArgs<never>(args);
    const refusal = socketCommandRefusal(socket, 'audio:talk', clock.now());
    const session = monitors.sessionOf(socket.id);
    if (refusal) return refuseTalk(session?.callId ?? '', refusal.error);
    if (!(payload instanceof Uint8Array) && !(payload instanceof ArrayBuffer)) {
      return refuseTalk(session?.callId ?? '', 'audio:talk takes one binary audio frame');
    }
    if (!session || session.mode === 'listen') {
      return refuseTalk(session?.callId ?? '', 'whisper or barge in before sending your microphone');
    }
    const { frames, errors } = parseAudioMessage(payload instanceof Uint8Array ? payload : new Uint8Array(payload));
    const frame = frames[0];
    if (!frame || errors.length > 0 || frames.length !== 1) {
      return refuseTalk(session.callId, `audio:talk: ${errors[0]?.error ?? 'send exactly one frame per message'}`);
    }
    const expected = session.mode === 'whisper' ? 'to_agent' : 'to_both';
    if (frame.callId !== session.callId || frame.channel !== expected) {
      // The mode may have just changed: a frame or two of the old mode is not worth a message.
      return;
    }
    hub.acceptControllerFrame(frame, session.mode);
  });

  socket.on('disconnect', () => {
    monitors.leave(socket.id, 'disconnected').catch((error: unknown) => {
      logger.error('audio: leaving on disconnect failed', { error });
    });
  });
}
