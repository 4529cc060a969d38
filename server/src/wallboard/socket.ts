import type { Ack, WallboardSnapshot } from '@earshot/shared';
import { socketCommandRefusal } from '../auth/socket.js';
import { maskWallboardSnapshot, seesCallerNumbers } from '../calls/privacy.js';
import type { Clock } from '../clock.js';
import { WALLBOARD_MASKED_ROOM, WALLBOARD_ROOM, wallboardRoomFor } from '../http/dashboardRooms.js';
import { type DashboardSocket, splitSocketArgs } from '../http/sockets.js';
import type { WallboardBroadcaster } from './broadcaster.js';

/**
 * `wallboard:join` (permission `wallboard:view`) joins the room for the socket's role (full or masked
 * caller numbers) and answers with a snapshot masked the same way; the next delta the socket receives has
 * seq = snapshot.seq + 1. Join and snapshot happen in the same turn of the event loop, so no delta falls
 * between them. Also the way to resync after a gap or a reconnect.
 */
export function registerWallboardHandlers(
  socket: DashboardSocket,
  deps: { broadcaster: WallboardBroadcaster; clock: Clock },
): void {
  socket.on('wallboard:join', (...args: unknown[]) => {
    const { ack } = splitSocketArgs<Ack<WallboardSnapshot>>(args);
    const refusal = socketCommandRefusal(socket, 'wallboard:join', deps.clock.now());
    const user = socket.data.user;
    if (refusal || !user) return ack(refusal ?? { ok: false, error: 'forbidden: sign in first' });
    const room = wallboardRoomFor(user.role);
    // A socket whose role changed since it last joined must not stay in the other variant as well.
    void socket.leave(room === WALLBOARD_ROOM ? WALLBOARD_MASKED_ROOM : WALLBOARD_ROOM);
    void socket.join(room);
    const snapshot = deps.broadcaster.snapshot();
    ack({ ok: true, data: seesCallerNumbers(user.role) ? snapshot : maskWallboardSnapshot(snapshot) });
  });
  socket.on('wallboard:leave', () => {
    void socket.leave(WALLBOARD_ROOM);
    void socket.leave(WALLBOARD_MASKED_ROOM);
  });
}
