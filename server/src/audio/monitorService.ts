import { randomUUID } from 'node:crypto';
import {
  type Ack,
  AUDIO_FRAME_MS,
  AUDIO_SAMPLE_RATE_HZ,
  type AudioSession,
  type AudioStopped,
  type AuditAction,
  type Call,
  type CallEventRecord,
  can,
  MONITOR_MODE_LABELS,
  MONITOR_STARTED_EVENT_TYPE,
  MONITOR_STOPPED_EVENT_TYPE,
  type Monitor,
  type MonitorMode,
  type User,
} from '@earshot/shared';
import type { AuditActor, AuditLog } from '../audit/auditLog.js';
import type { CallRepository } from '../calls/callRepository.js';
import type { LiveCallRegistry } from '../calls/liveCallRegistry.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { ListenerSocket } from './listenerSink.js';
import type { LiveAudioHub } from './liveAudioHub.js';

/** The part of a dashboard socket a monitor session needs. */
export interface MonitorSocket extends ListenerSocket {
  emit(event: 'audio:frame', frame: Uint8Array): unknown;
  emit(event: 'audio:stopped', stopped: AudioStopped): unknown;
}

interface Session {
  socket: MonitorSocket;
  user: User;
  actor: AuditActor;
  callId: string;
  mode: MonitorMode;
  since: number;
}

type StopReason = AudioStopped['reason'] | 'left' | 'disconnected';

const START_ACTIONS: Record<MonitorMode, AuditAction> = {
  listen: 'audio.listen_start',
  whisper: 'audio.whisper_start',
  barge: 'audio.barge_start',
};
const STOP_ACTIONS: Record<MonitorMode, AuditAction> = {
  listen: 'audio.listen_stop',
  whisper: 'audio.whisper_stop',
  barge: 'audio.barge_stop',
};
const PERMISSION_OF_MODE = { listen: 'audio:listen', whisper: 'audio:whisper', barge: 'audio:barge' } as const;

/**
 * Who of the quality team is on which call's audio. A dashboard socket holds at most one session; a call
 * has at most one barge at a time. Every start and stop is audited (before it takes effect, so what cannot
 * be recorded does not happen), written into the call's history, and shown to everyone through the live
 * call's `monitors`. Changes to a call run in the call's own queue, after any ingest event before them.
 */
export class MonitorService {
  private readonly sessions = new Map<string, Session>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly deps: {
      registry: LiveCallRegistry;
      repository: CallRepository;
      hub: LiveAudioHub;
      audit: AuditLog;
      clock: Clock;
      logger: Logger;
      /** Tells a call's watchers about a history entry written after the call ended (not through the registry). */
      announceRecord: (call: Call, record: CallEventRecord) => void;
    },
  ) {
    this.unsubscribe = deps.registry.onChange(({ call, eventCount }) => {
      if (call.state === 'ended') void this.endSessionsOfEndedCall(call, eventCount);
    });
  }

  stop(): void {
    this.unsubscribe();
  }

  sessionOf(socketId: string): { callId: string; mode: MonitorMode } | undefined {
    const session = this.sessions.get(socketId);
    return session ? { callId: session.callId, mode: session.mode } : undefined;
  }

  /** Listen, whisper or barge on a live call (or switch to that mode on the call already held). */
  async take(
    socket: MonitorSocket,
    user: User,
    actor: AuditActor,
    callId: string,
    mode: MonitorMode,
  ): Promise<Ack<AudioSession>> {
    const held = this.sessions.get(socket.id);
    if (held && held.callId !== callId) await this.leave(socket.id, 'replaced');
    return this.deps.registry.runExclusive(callId, async () => {
      const call = this.deps.registry.get(callId);
      if (!call) return { ok: false, error: `call ${callId} is not live: it has ended or never started` };
      if (call.state === 'queued') {
        return {
          ok: false,
          error: `call ${callId} is still waiting in the queue; its audio starts when an agent answers`,
        };
      }
      const current = this.sessions.get(socket.id);
      const session: AudioSession = {
        callId,
        mode,
        sampleRate: AUDIO_SAMPLE_RATE_HZ,
        frameMs: AUDIO_FRAME_MS,
        codec: 'pcmu',
      };
      if (current?.callId === callId && current.mode === mode) return { ok: true, data: session };
      if (mode === 'barge') {
        const barging = [...this.sessions.values()].find(
          (other) => other.callId === callId && other.mode === 'barge' && other.socket.id !== socket.id,
        );
        if (barging) {
          return {
            ok: false,
            error: `${barging.user.displayName} is already barging in on this call; only one controller can barge in at a time`,
          };
        }
      }
      const now = this.deps.clock.now();
      try {
        if (current) await this.deps.audit.record({ ...actor, action: STOP_ACTIONS[current.mode], callId });
        await this.deps.audit.record({ ...actor, action: START_ACTIONS[mode], callId });
      } catch (error) {
        this.deps.logger.error('audio: could not write the audit log', { callId, error });
        return { ok: false, error: 'could not record this in the audit log, so it was not started; try again' };
      }
      const records: CallEventRecord[] = [];
      if (current) records.push(this.record(callId, MONITOR_STOPPED_EVENT_TYPE, current, now, 'switched'));
      const next: Session = { socket, user, actor, callId, mode, since: now };
      records.push(this.record(callId, MONITOR_STARTED_EVENT_TYPE, next, now));
      try {
        await this.commit({ ...call, monitors: this.monitorsFor(callId, socket.id, next) }, records);
      } catch (error) {
        this.deps.logger.error('audio: could not store a monitoring change', { callId, error });
        return { ok: false, error: 'could not store this change in the call history; try again' };
      }
      this.sessions.set(socket.id, next);
      if (!current) this.deps.hub.addListener(callId, socket);
      return { ok: true, data: session };
    });
  }

  /** The controller leaves the call's audio (or the socket went away). */
  async leave(socketId: string, reason: StopReason = 'left'): Promise<void> {
    const session = this.sessions.get(socketId);
    if (!session) return;
    await this.deps.registry.runExclusive(session.callId, async () => {
      // The call may have ended (and this session with it) while waiting.
      if (this.sessions.get(socketId) !== session) return;
      this.sessions.delete(socketId);
      this.deps.hub.removeListener(session.callId, socketId);
      await this.deps.audit
        .record({ ...session.actor, action: STOP_ACTIONS[session.mode], callId: session.callId, reason })
        .catch((error: unknown) => this.deps.logger.error('audio: could not audit a stop', { error }));
      const call = this.deps.registry.get(session.callId);
      if (!call) return;
      const record = this.record(session.callId, MONITOR_STOPPED_EVENT_TYPE, session, this.deps.clock.now(), reason);
      await this.commit({ ...call, monitors: this.monitorsFor(call.id, socketId) }, [record]).catch((error: unknown) =>
        this.deps.logger.error('audio: could not store a monitoring stop', { callId: call.id, error }),
      );
    });
  }

  /** A user changed (role, disabled): sessions their new role does not allow end. */
  async userChanged(user: User): Promise<void> {
    for (const [socketId, session] of this.sessions) {
      if (session.user.id !== user.id) continue;
      if (!user.disabled && can(user.role, PERMISSION_OF_MODE[session.mode])) continue;
      session.socket.emit('audio:stopped', {
        callId: session.callId,
        reason: 'permission_lost',
        message: 'your role no longer allows this, so your audio was stopped',
      });
      await this.leave(socketId, 'permission_lost');
    }
  }

  /** Ends every session (server closing). */
  async closeAll(): Promise<void> {
    for (const [socketId, session] of this.sessions) {
      session.socket.emit('audio:stopped', {
        callId: session.callId,
        reason: 'server_closing',
        message: 'the server is restarting; listen again in a moment',
      });
      await this.leave(socketId, 'server_closing');
    }
  }

  private async endSessionsOfEndedCall(call: Call, eventCount: number): Promise<void> {
    const ending = [...this.sessions.entries()].filter(([, session]) => session.callId === call.id);
    if (ending.length === 0) return;
    await this.deps.registry.runExclusive(call.id, async () => {
      let seq = eventCount;
      const at = call.endedAt ?? this.deps.clock.now();
      for (const [socketId, session] of ending) {
        if (this.sessions.get(socketId) !== session) continue;
        this.sessions.delete(socketId);
        this.deps.hub.removeListener(call.id, socketId);
        session.socket.emit('audio:stopped', { callId: call.id, reason: 'call_ended', message: 'the call ended' });
        await this.deps.audit
          .record({ ...session.actor, action: STOP_ACTIONS[session.mode], callId: call.id, reason: 'call_ended' })
          .catch((error: unknown) => this.deps.logger.error('audio: could not audit a stop', { error }));
        // The call has left the registry; its history still gets the stop, written straight to the store.
        const record = this.record(call.id, MONITOR_STOPPED_EVENT_TYPE, session, at, 'call_ended');
        seq += 1;
        try {
          await this.deps.repository.saveChange({ call, isNew: false, seq, record });
          this.deps.announceRecord(call, record);
        } catch (error) {
          seq -= 1;
          this.deps.logger.error('audio: could not store a monitoring stop', { callId: call.id, error });
        }
      }
    });
  }

  /** Stores the call with its history entries in one transaction, then updates memory (and so everyone). */
  private async commit(call: Call, records: CallEventRecord[]): Promise<void> {
    const { registry, repository } = this.deps;
    const base = registry.eventCount(call.id) ?? 0;
    await repository.saveChanges(
      records.map((record, i) => ({ change: { call, isNew: false, seq: base + i + 1, record } })),
    );
    records.forEach((record, i) => {
      registry.commit(call, record, base + i + 1);
    });
  }

  private record(
    callId: string,
    type: string,
    session: Pick<Session, 'user' | 'mode'>,
    at: number,
    reason?: StopReason | 'switched',
  ): CallEventRecord {
    return {
      // Server-made ids contain '/', which source ids may not, so they never collide with ingest ids.
      eventId: `server/monitor/${randomUUID()}`,
      callId,
      type,
      at,
      receivedAt: at,
      detail: {
        mode: session.mode,
        label: MONITOR_MODE_LABELS[session.mode],
        userId: session.user.id,
        userName: session.user.displayName,
        ...(reason ? { reason } : {}),
      },
    };
  }

  /** The call's monitors from the sessions held, leaving out one socket's and adding one (a change in progress). */
  private monitorsFor(callId: string, withoutSocketId: string, add?: Session): Monitor[] {
    const sessions = [...this.sessions.entries()]
      .filter(([socketId, session]) => session.callId === callId && socketId !== withoutSocketId)
      .map(([, session]) => session);
    if (add) sessions.push(add);
    return dedupeMonitors(sessions.map(monitorOf));
  }
}

function monitorOf(session: Session): Monitor {
  return { userId: session.user.id, displayName: session.user.displayName, mode: session.mode, since: session.since };
}

/** One entry per user: the strongest mode wins when the same person is on the call from two tabs. */
function dedupeMonitors(monitors: Monitor[]): Monitor[] {
  const rank: Record<MonitorMode, number> = { listen: 0, whisper: 1, barge: 2 };
  const byUser = new Map<string, Monitor>();
  for (const monitor of monitors) {
    const seen = byUser.get(monitor.userId);
    if (!seen || rank[monitor.mode] >= rank[seen.mode]) byUser.set(monitor.userId, monitor);
  }
  return [...byUser.values()];
}
