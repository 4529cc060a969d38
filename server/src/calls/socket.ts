import { type Ack, type CallDetail, parseWith, WatchCallPayloadSchema } from '@earshot/shared';
import { type DashboardSocket, splitSocketArgs } from '../http/sockets.js';
import type { Logger } from '../logger.js';
import type { CallRepository } from './callRepository.js';
import type { LiveCallRegistry } from './liveCallRegistry.js';

export const callRoom = (callId: string) => `call:${callId}`;

/**
 * `call:watch` joins the call's room and answers with the call and its history; `call:unwatch` leaves.
 * The read and the join run inside the call's exclusive section, so no event can slip between the history
 * the watcher gets and the first `call:event` it receives.
 */
export function registerCallWatchHandlers(
  socket: DashboardSocket,
  deps: { registry: LiveCallRegistry; repository: CallRepository; logger: Logger },
): void {
  socket.on('call:watch', (...args: unknown[]) => {
    const { payload, ack } = splitSocketArgs<Ack<CallDetail>>(args);
    const parsed = parseWith(WatchCallPayloadSchema, payload, 'call:watch payload');
    if (!parsed.ok) return ack(parsed);
    const { callId } = parsed.data;
    deps.registry
      .runExclusive(callId, async () => {
        const detail = await deps.repository.getCallDetail(callId);
        if (!detail) return ack({ ok: false, error: `no call with id ${callId}` });
        // Live calls: memory is the newest state (the store holds the same, written first).
        const live = deps.registry.get(callId);
        void socket.join(callRoom(callId));
        ack({ ok: true, data: live ? { ...detail, call: live } : detail });
      })
      .catch((error: unknown) => {
        deps.logger.error('call:watch failed', { callId, error });
        ack({ ok: false, error: `could not read call ${callId} from the store` });
      });
  });

  socket.on('call:unwatch', (...args: unknown[]) => {
    const { payload } = splitSocketArgs(args);
    const parsed = parseWith(WatchCallPayloadSchema, payload, 'call:unwatch payload');
    if (parsed.ok) void socket.leave(callRoom(parsed.data.callId));
  });
}
