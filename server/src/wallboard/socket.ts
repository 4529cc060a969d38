import type { Ack, WallboardSettings, WallboardSnapshot } from '@earshot/shared';
import { Router } from 'express';
import { type DashboardSocket, splitSocketArgs } from '../http/sockets.js';
import type { WallboardBroadcaster } from './broadcaster.js';

export const WALLBOARD_ROOM = 'wallboard';

/**
 * `wallboard:join` joins the room and answers with a snapshot; the next delta the socket receives has
 * seq = snapshot.seq + 1. Join and snapshot happen in the same turn of the event loop, so no delta falls
 * between them. Also the way to resync after a gap or a reconnect.
 */
export function registerWallboardHandlers(socket: DashboardSocket, broadcaster: WallboardBroadcaster): void {
  socket.on('wallboard:join', (...args: unknown[]) => {
    const { ack } = splitSocketArgs<Ack<WallboardSnapshot>>(args);
    void socket.join(WALLBOARD_ROOM);
    ack({ ok: true, data: broadcaster.snapshot() });
  });
  socket.on('wallboard:leave', () => {
    void socket.leave(WALLBOARD_ROOM);
  });
}

/** GET /api/settings: the thresholds the wallboard colours by. */
export function createSettingsRouter(settings: WallboardSettings): Router {
  const router = Router();
  router.get('/settings', (_req, res) => {
    res.json(settings);
  });
  return router;
}
