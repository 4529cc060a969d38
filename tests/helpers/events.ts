import type { IngestEvent, Line, Topic } from '@earshot/shared';

/**
 * Builds valid ingest events with unique ids, so a test reads as the call's story. `prefix` keeps ids
 * apart between tests sharing a server.
 */
export class EventFactory {
  private n = 0;
  constructor(readonly prefix: string) {}

  id(): string {
    this.n += 1;
    return `${this.prefix}-e${this.n}`;
  }

  offered(callId: string, at: number, extra: { line?: Line; topic?: Topic; callerNumber?: string } = {}): IngestEvent {
    return {
      eventId: this.id(),
      callId,
      at,
      type: 'call.offered',
      line: extra.line ?? '0890',
      topic: extra.topic ?? 'billing',
      callerNumber: extra.callerNumber ?? '+375 29 123-45-67',
    };
  }

  answered(callId: string, at: number, agentId = 'agent-1', agentName = 'Алена Ковалева'): IngestEvent {
    return { eventId: this.id(), callId, at, type: 'call.answered', agentId, agentName };
  }

  held(callId: string, at: number): IngestEvent {
    return { eventId: this.id(), callId, at, type: 'call.held' };
  }

  resumed(callId: string, at: number): IngestEvent {
    return { eventId: this.id(), callId, at, type: 'call.resumed' };
  }

  transferred(callId: string, at: number, toAgentId = 'agent-2', toAgentName = 'Дмитрий Жук'): IngestEvent {
    return { eventId: this.id(), callId, at, type: 'call.transferred', toAgentId, toAgentName };
  }

  ended(
    callId: string,
    at: number,
    reason: 'caller_hangup' | 'agent_hangup' | 'abandoned' = 'caller_hangup',
  ): IngestEvent {
    return { eventId: this.id(), callId, at, type: 'call.ended', reason };
  }
}
