import { type Ack, type CallDetail, ExternalIdSchema, parseWith, WatchCallPayloadSchema } from '@earshot/shared';
import { socketCommandRefusal } from '../auth/socket.js';
import type { Clock } from '../clock.js';
import { callRoom, callRoomFor } from '../http/dashboardRooms.js';
import { type DashboardSocket, splitSocketArgs } from '../http/sockets.js';
import type { Logger } from '../logger.js';
import type { CallRepository } from './callRepository.js';
import type { LiveCallRegistry } from './liveCallRegistry.js';
import { maskCallDetail, seesCallerNumbers } from './privacy.js';

/**
 * `call:watch` (permission `calls:view`) joins the call's room for the socket's role (full or masked
 * caller number) and answers with the call and its history, masked the same way; `call:unwatch` leaves.
 * The read and the join run inside the call's exclusive section, so no event can slip between the history
 * the watcher gets and the first `call:event` it receives.
 */
export function registerCallWatchHandlers(
  socket: DashboardSocket,
  deps: { registry: LiveCallRegistry; repository: CallRepository; logger: Logger; clock: Clock },
): void {
  socket.on('call:watch', (...args: unknown[]) => {
    const { payload, ack } = splitSocketArgs<Ack<CallDetail>>(args);
    const refusal = socketCommandRefusal(socket, 'call:watch', deps.clock.now());
    const user = socket.data.user;
    if (refusal || !user) return ack(refusal ?? { ok: false, error: 'forbidden: sign in first' });
    const parsed = parseWith(WatchCallPayloadSchema, payload, 'call:watch payload');
    if (!parsed.ok) return ack(parsed);
    const { callId } = parsed.data;
    // Call ids are external ids; anything else names no call and does not reach the store.
    if (!ExternalIdSchema.safeParse(callId).success) return ack({ ok: false, error: `no call with id ${callId}` });
    deps.registry
      .runExclusive(callId, async () => {
        const detail = await deps.repository.getCallDetail(callId);
        if (!detail) return ack({ ok: false, error: `no call with id ${callId}` });
        // Live calls: memory is the newest state (the store holds the same, written first).
        const live = deps.registry.get(callId);
        const current = live ? { ...detail, call: live } : detail;
        // Read the role now, not before the wait: an admin may have changed it meanwhile.
        const role = socket.data.user?.role ?? user.role;
        void socket.join(callRoomFor(callId, role));
        ack({ ok: true, data: seesCallerNumbers(role) ? current : maskCallDetail(current) });
      })
      .catch((error: unknown) => {
        deps.logger.error('call:watch failed', { callId, error });
        ack({ ok: false, error: `could not read call ${callId} from the store` });
      });
  });

  socket.on('call:unwatch', (...args: unknown[]) => {
    const { payload } = splitSocketArgs(args);
    const parsed = parseWith(WatchCallPayloadSchema, payload, 'call:unwatch payload');
    if (!parsed.ok) return;
    void socket.leave(callRoom(parsed.data.callId, false));
    void socket.leave(callRoom(parsed.data.callId, true));
  });
}
