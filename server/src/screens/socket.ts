import {
  type Ack,
  CAPTURE_INTERVAL_MS,
  type Call,
  type CaptureState,
  can,
  type MonitorMode,
  parseWith,
  type ScreenshotMeta,
  WatchScreensPayloadSchema,
} from '@earshot/shared';
import { socketCommandRefusal } from '../auth/socket.js';
import type { LiveCallRegistry } from '../calls/liveCallRegistry.js';
import type { Clock } from '../clock.js';
import { agentRoom, callRoom, isScreensRoom, screensRoom } from '../http/dashboardRooms.js';
import type { DashboardServer, DashboardSocket } from '../http/sockets.js';
import type { Logger } from '../logger.js';
import type { ScreenshotService } from './screenshotService.js';

const CALL_ROOM_PREFIXES = ['call:', 'call-masked:'];
const MONITOR_ACTIVITY: Record<MonitorMode, CaptureState['watchers'][number]['activity']> = {
  listen: 'listening',
  whisper: 'whispering',
  barge: 'barging',
};

/** The agent's live call: the most recently answered live call they hold, or null. */
export function liveCallOfAgent(registry: LiveCallRegistry, agentId: string): Call | null {
  let found: Call | null = null;
  for (const call of registry.calls()) {
    if (call.agentId !== agentId || call.state === 'ended') continue;
    if (!found || (call.answeredAt ?? 0) > (found.answeredAt ?? 0)) found = call;
  }
  return found;
}

/**
 * Announces new screenshots, answers `screens:watch` and `capture:join`, and keeps every agent's capture
 * page told of its CaptureState: pushed when the agent's call changes (answered, transferred, ended) and
 * when someone of the quality team opens or leaves that call's page (a socket joins or leaves its room).
 */
export class ScreensSocketHub {
  private readonly stops: (() => void)[] = [];

  constructor(
    private readonly deps: {
      io: DashboardServer;
      registry: LiveCallRegistry;
      screenshots: ScreenshotService;
      clock: Clock;
      logger: Logger;
    },
  ) {
    const { io, registry, screenshots } = deps;
    this.stops.push(
      screenshots.onStored((screenshot) => {
        // One emit to the union of rooms: a socket in several hears it once.
        io.to([
          screensRoom(screenshot.callId),
          callRoom(screenshot.callId, false),
          callRoom(screenshot.callId, true),
        ]).emit('screen:captured', { callId: screenshot.callId, screenshot });
      }),
    );
    this.stops.push(
      registry.onChange(({ previous, call }) => {
        const agents = new Set<string>();
        if (previous?.agentId && (previous.agentId !== call.agentId || call.state === 'ended')) {
          agents.add(previous.agentId);
        }
        if (call.agentId && (previous?.agentId !== call.agentId || call.state === 'ended')) agents.add(call.agentId);
        // Someone started or stopped listening, whispering or barging: the agent sees who.
        if (call.agentId && previous && previous.monitors !== call.monitors) agents.add(call.agentId);
        for (const agentId of agents) this.pushState(agentId);
      }),
    );
    // Socket.IO's adapter reports every room join and leave (including on disconnect), after its own books.
    const adapter = io.of('/').adapter;
    const onRoomChange = (room: unknown) => {
      if (typeof room !== 'string') return;
      const prefix = CALL_ROOM_PREFIXES.find((p) => room.startsWith(p));
      if (!prefix) return;
      const agentId = registry.get(room.slice(prefix.length))?.agentId;
      if (agentId) this.pushState(agentId);
    };
    adapter.on('join-room', onRoomChange);
    adapter.on('leave-room', onRoomChange);
    this.stops.push(() => {
      adapter.off('join-room', onRoomChange);
      adapter.off('leave-room', onRoomChange);
    });
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  captureState(agentId: string): CaptureState {
    const call = liveCallOfAgent(this.deps.registry, agentId);
    return {
      agentId,
      callId: call?.id ?? null,
      intervalMs: CAPTURE_INTERVAL_MS,
      watchers: call ? this.watchers(call) : [],
    };
  }

  private watchers(call: Call): CaptureState['watchers'] {
    const callId = call.id;
    const namespace = this.deps.io.of('/');
    const byUser = new Map<string, CaptureState['watchers'][number]>();
    for (const monitor of call.monitors) {
      byUser.set(monitor.userId, {
        userId: monitor.userId,
        displayName: monitor.displayName,
        activity: MONITOR_ACTIVITY[monitor.mode],
      });
    }
    for (const masked of [false, true]) {
      for (const socketId of namespace.adapter.rooms.get(callRoom(callId, masked)) ?? []) {
        const user = namespace.sockets.get(socketId)?.data.user;
        // The quality team: those who may view calls (controllers, supervisors, admins); never the agent.
        if (!user || !can(user.role, 'calls:view') || byUser.has(user.id)) continue;
        byUser.set(user.id, { userId: user.id, displayName: user.displayName, activity: 'watching' });
      }
    }
    return [...byUser.values()].sort((a, b) => a.displayName.localeCompare(b.displayName));
  }

  private pushState(agentId: string): void {
    const room = agentRoom(agentId);
    if (!this.deps.io.of('/').adapter.rooms.has(room)) return;
    this.deps.io.to(room).emit('capture:state', this.captureState(agentId));
  }

  /** `screens:watch` (screens:view) and `capture:join` (screens:upload) for one dashboard socket. */
  register(socket: DashboardSocket): void {
    const { clock, logger, screenshots } = this.deps;
    socket.on('screens:watch', (...args: unknown[]) => {
      const ack =
        typeof args.at(-1) === 'function'
          ? (args.at(-1) as (r: Ack<Record<string, ScreenshotMeta | null>>) => void)
          : () => {};
      const refusal = socketCommandRefusal(socket, 'screens:watch', clock.now());
      if (refusal) return ack(refusal);
      const parsed = parseWith(
        WatchScreensPayloadSchema,
        typeof args[0] === 'function' ? undefined : args[0],
        'screens:watch payload',
      );
      if (!parsed.ok) return ack(parsed);
      const callIds = [...new Set(parsed.data.callIds)];
      for (const room of socket.rooms) if (isScreensRoom(room)) void socket.leave(room);
      for (const callId of callIds) void socket.join(screensRoom(callId));
      screenshots.latestForCalls(callIds).then(
        (latest) => ack({ ok: true, data: Object.fromEntries(callIds.map((id) => [id, latest.get(id) ?? null])) }),
        (error: unknown) => {
          logger.error('screens:watch failed', { error });
          ack({ ok: false, error: 'could not read the latest screenshots from the store' });
        },
      );
    });

    socket.on('capture:join', (...args: unknown[]) => {
      const ack = typeof args.at(-1) === 'function' ? (args.at(-1) as (r: Ack<CaptureState>) => void) : () => {};
      const refusal = socketCommandRefusal(socket, 'capture:join', clock.now());
      if (refusal) return ack(refusal);
      const agentId = socket.data.user?.agentId;
      if (!agentId) return ack({ ok: false, error: 'your account is not tied to an agent id' });
      void socket.join(agentRoom(agentId));
      ack({ ok: true, data: this.captureState(agentId) });
    });
  }
}
