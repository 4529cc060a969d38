/** Messages between the benchmark (parent) and the servers it runs in child processes. */

/** What a measured window of one child process cost: CPU, memory and event-loop lag. */
export interface ProcessWindowReport {
  /** CPU time over wall time, user + system; 100 means one core busy all the time. */
  cpuPct: number;
  /** Peak resident set size of the process since it started (getrusage maxrss). */
  rssPeakMb: number;
  /** Event-loop delay measured by perf_hooks.monitorEventLoopDelay over the window. */
  eventLoopLagP50Ms: number;
  eventLoopLagP99Ms: number;
  eventLoopLagMaxMs: number;
  wallMs: number;
  /** Bytes the process caused to be written to storage in the window (/proc/self/io write_bytes), or null. */
  diskWriteBytes: number | null;
  /**
   * The child's own counters (e.g. frames in, frames dropped) read when the window opened and when it closed,
   * for children that have any (bench/serverChild.ts sends live audio and recording counters).
   */
  counters?: { start: CounterSnapshot; end: CounterSnapshot };
}

/** Named cumulative counters of a child process, flattened to numbers (e.g. `audio.framesIn`). */
export type CounterSnapshot = Record<string, number>;

export type ChildMessage =
  | {
      type: 'ready';
      port: number;
      ingestKey: string;
      flushIntervalMs: number;
      store: string;
      /** A demo account the dashboards sign in as (the server's dashboard socket needs a session); the floor has none. */
      dashboardCredentials?: { username: string; password: string };
    }
  | { type: 'window'; name: string; report: ProcessWindowReport }
  | { type: 'failed'; message: string };

export type ParentMessage =
  | { type: 'window-start'; name: string }
  | { type: 'window-end'; name: string }
  | { type: 'stop' };

export function isParentMessage(message: unknown): message is ParentMessage {
  if (typeof message !== 'object' || message === null || !('type' in message)) return false;
  return ['window-start', 'window-end', 'stop'].includes(String(message.type));
}
