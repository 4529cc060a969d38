import type { AuditLog } from '../audit/auditLog.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';

/** How often the retention job runs (and once at start-up). */
export const RETENTION_INTERVAL_MS = 60 * 60_000;
const DAY_MS = 24 * 60 * 60_000;

/**
 * One kind of data with a retention period: call records today; recordings and screenshots register their
 * own targets when those features arrive. `deleteOlderThan` deletes everything of its kind older than the
 * cutoff and says how many of what it deleted (e.g. `{ calls: 3, callEvents: 17 }`).
 */
export interface RetentionTarget {
  /** Names the target in the audit log and the server log, e.g. `calls`. */
  name: string;
  deleteOlderThan(cutoffMs: number): Promise<Record<string, number>>;
}

export interface RetentionRunResult {
  cutoff: number;
  retentionDays: number;
  /** Per target: the counts it deleted, or the error that stopped it. */
  targets: { name: string; deleted?: Record<string, number>; error?: string }[];
}

export interface RetentionServiceDeps {
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  /** The retention period in force (a setting an admin may change). */
  retentionDays: () => number;
  intervalMs?: number;
}

/**
 * Deletes data older than the retention period: at start-up and then every hour. Each target runs on its
 * own (one failing does not stop the others), and every deletion is audited as `retention.delete` with the
 * counts, by `system`. Runs never overlap: a run asked for while one is going waits for it and then runs.
 */
export class RetentionService {
  private readonly targets: RetentionTarget[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<RetentionRunResult> | undefined;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: RetentionServiceDeps) {}

  /** Adds a kind of data; returns the function that removes it again. */
  register(target: RetentionTarget): () => void {
    if (this.targets.some((t) => t.name === target.name)) {
      throw new Error(`a retention target named ${target.name} is already registered`);
    }
    this.targets.push(target);
    return () => {
      const index = this.targets.indexOf(target);
      if (index >= 0) this.targets.splice(index, 1);
    };
  }

  targetNames(): string[] {
    return this.targets.map((t) => t.name);
  }

  /** One pass over every target, with the cutoff taken from the clock and the setting now. */
  runOnce(): Promise<RetentionRunResult> {
    const run = this.tail.then(() => this.run());
    this.tail = run.catch(() => {});
    this.running = run;
    return run;
  }

  /** Runs now and then every `intervalMs`. */
  start(): void {
    if (this.timer) return;
    const tick = () => {
      this.runOnce().catch((error: unknown) => this.deps.logger.error('retention: run failed', { error }));
    };
    tick();
    this.timer = setInterval(tick, this.deps.intervalMs ?? RETENTION_INTERVAL_MS);
    // The hourly job alone must not keep the process alive.
    this.timer.unref();
  }

  /** Stops the schedule and waits for a run in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => {});
  }

  private async run(): Promise<RetentionRunResult> {
    const retentionDays = this.deps.retentionDays();
    const cutoff = this.deps.clock.now() - retentionDays * DAY_MS;
    const result: RetentionRunResult = { cutoff, retentionDays, targets: [] };
    for (const target of [...this.targets]) {
      try {
        const deleted = await target.deleteOlderThan(cutoff);
        result.targets.push({ name: target.name, deleted });
        const total = Object.values(deleted).reduce((sum, n) => sum + n, 0);
        if (total === 0) continue;
        await this.deps.audit.record({
          userId: null,
          username: 'system',
          role: null,
          ip: null,
          userAgent: null,
          action: 'retention.delete',
          reason: `older than the retention period of ${retentionDays} days`,
          detail: { target: target.name, cutoff: new Date(cutoff).toISOString(), retentionDays, ...deleted },
        });
        this.deps.logger.info(`retention: deleted from ${target.name} what was older than ${retentionDays} days`, {
          deleted,
        });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        result.targets.push({ name: target.name, error: message });
        this.deps.logger.error(`retention: target ${target.name} failed`, { error });
      }
    }
    return result;
  }
}
