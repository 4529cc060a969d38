import {
  applyCallEvent,
  type Call,
  type IngestBatchItem,
  type IngestEvent,
  IngestEventSchema,
  parseWith,
} from '@earshot/shared';
import { type CallRepository, DuplicateEventError, recordFromEvent } from '../calls/callRepository.js';
import type { LiveCallRegistry } from '../calls/liveCallRegistry.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';

/** Re-exported for modules that took Clock from here before it moved to clock.ts. */
export type { Clock } from '../clock.js';

/** The outcome of one event: accepted (perhaps as a repeat), or refused with a sentence saying why. */
export type IngestOutcome =
  | { ok: true; eventId: string; duplicate: boolean }
  | { ok: false; eventId: string; error: string };

export interface IngestServiceDeps {
  registry: LiveCallRegistry;
  repository: CallRepository;
  clock: Clock;
  logger: Logger;
}

/**
 * Applies ingest events: de-duplicate, run the state machine against the current state, store the event and
 * the call in one transaction, and only then change memory (which tells the wallboard and the call's room).
 * A refused event or a failed write leaves everything as it was.
 */
export class IngestService {
  private accepting = true;

  constructor(private readonly deps: IngestServiceDeps) {}

  /** Applies one parsed event, after any earlier event for the same call. */
  ingest(event: IngestEvent): Promise<IngestOutcome> {
    if (!this.accepting) {
      return Promise.resolve({
        ok: false,
        eventId: event.eventId,
        error: 'the server is shutting down; send it again later',
      });
    }
    return this.deps.registry.runExclusive(event.callId, () => this.apply(event));
  }

  /**
   * Applies a batch in order. Each item is checked on its own: a bad one is refused with its index and the
   * others still apply. Events for one call keep their order; different calls may be stored concurrently.
   */
  async ingestBatch(items: readonly unknown[]): Promise<IngestBatchItem[]> {
    const pending = items.map((item, index): Promise<IngestBatchItem> => {
      const parsed = parseWith(IngestEventSchema, item, `event at index ${index}`);
      if (!parsed.ok) {
        const eventId = eventIdOf(item);
        return Promise.resolve({ ok: false, index, ...(eventId ? { eventId } : {}), error: parsed.error });
      }
      return this.ingest(parsed.data).then((outcome) =>
        outcome.ok
          ? { ok: true, eventId: outcome.eventId, duplicate: outcome.duplicate }
          : { ok: false, index, eventId: outcome.eventId, error: outcome.error },
      );
    });
    return Promise.all(pending);
  }

  /** Refuses new events and waits for those already queued to finish. */
  async stop(): Promise<void> {
    this.accepting = false;
    await this.deps.registry.idle();
  }

  private async apply(event: IngestEvent): Promise<IngestOutcome> {
    const { registry, repository, clock, logger } = this.deps;
    const duplicate = { ok: true as const, eventId: event.eventId, duplicate: true };
    if (registry.hasEventId(event.eventId)) return duplicate;

    let current: Call | undefined = registry.get(event.callId);
    let eventCount = registry.eventCount(event.callId) ?? 0;
    if (!current) {
      // Not live: the call is new, ended, or unknown. Only the store can tell, and whether the id is a repeat.
      try {
        if (await repository.eventExists(event.eventId)) return duplicate;
        const stored = await repository.findCall(event.callId);
        current = stored?.call;
        eventCount = stored?.eventCount ?? 0;
      } catch (error) {
        logger.error('ingest: reading the store failed', { eventId: event.eventId, error });
        return { ok: false, eventId: event.eventId, error: `could not read the store: ${messageOf(error)}` };
      }
    }

    const transition = applyCallEvent(current, event);
    if (!transition.ok) return { ok: false, eventId: event.eventId, error: transition.error };

    const record = recordFromEvent(event, clock.now());
    const seq = eventCount + 1;
    const agent =
      event.type === 'call.answered'
        ? { id: event.agentId, name: event.agentName }
        : event.type === 'call.transferred'
          ? { id: event.toAgentId, name: event.toAgentName }
          : undefined;
    try {
      await repository.saveChange({ call: transition.call, isNew: current === undefined, seq, record }, agent);
    } catch (error) {
      // The id was stored for another call (ids are unique across calls): a repeat, nothing changes.
      if (error instanceof DuplicateEventError) return duplicate;
      logger.error('ingest: storing an event failed; nothing was changed', { eventId: event.eventId, error });
      return {
        ok: false,
        eventId: event.eventId,
        error: `could not store event ${event.eventId}: ${messageOf(error)}; nothing was changed, send it again`,
      };
    }
    registry.commit(transition.call, record, seq);
    return { ok: true, eventId: event.eventId, duplicate: false };
  }
}

function eventIdOf(item: unknown): string | undefined {
  if (typeof item !== 'object' || item === null || !('eventId' in item)) return undefined;
  const id = (item as { eventId: unknown }).eventId;
  return typeof id === 'string' && id.length > 0 && id.length <= 128 ? id : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
