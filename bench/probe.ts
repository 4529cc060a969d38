import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { type ChildMessage, type CounterSnapshot, isParentMessage, type ProcessWindowReport } from './ipc.js';

const NS_PER_MS = 1e6;
/** Timer interval of the event-loop delay histogram; each sample is this interval plus the lag. */
const EVENT_LOOP_RESOLUTION_MS = 10;

/** Histogram values are whole timer intervals in ns; the lag is what exceeds the interval. */
function lagMs(intervalNs: number): number {
  return Math.max(0, intervalNs / NS_PER_MS - EVENT_LOOP_RESOLUTION_MS);
}

/** Bytes this process caused to be written to storage so far (Linux), or null where /proc is missing. */
function diskWriteBytes(): number | null {
  try {
    const match = /^write_bytes:\s*(\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

export function sendToParent(message: ChildMessage): void {
  process.send?.(message);
}

/**
 * Measures this child process from the inside and answers the parent over IPC: the parent opens a named
 * window, and closing it returns the CPU share, peak RSS and event-loop lag seen in between, and, when
 * `readCounters` is given, the child's counters at both ends of the window. `onStop` is called when the
 * parent asks the child to shut down.
 */
export function startProbe(onStop: () => Promise<void>, readCounters?: () => CounterSnapshot): void {
  if (!process.send) throw new Error('bench children must be started with an IPC channel (child_process.fork)');
  const loopDelay = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
  loopDelay.enable();
  let windowStartCpu = process.cpuUsage();
  let windowStartMs = performance.now();
  let windowStartWritten = diskWriteBytes();
  let windowStartCounters = readCounters?.();

  process.on('message', (message: unknown) => {
    if (!isParentMessage(message)) return;
    if (message.type === 'window-start') {
      loopDelay.reset();
      windowStartCpu = process.cpuUsage();
      windowStartMs = performance.now();
      windowStartWritten = diskWriteBytes();
      windowStartCounters = readCounters?.();
    } else if (message.type === 'window-end') {
      const cpu = process.cpuUsage(windowStartCpu);
      const wallMs = performance.now() - windowStartMs;
      const written = diskWriteBytes();
      const report: ProcessWindowReport = {
        cpuPct: (100 * (cpu.user + cpu.system)) / 1000 / wallMs,
        rssPeakMb: process.resourceUsage().maxRSS / 1024,
        eventLoopLagP50Ms: loopDelay.count > 0 ? lagMs(loopDelay.percentile(50)) : 0,
        eventLoopLagP99Ms: loopDelay.count > 0 ? lagMs(loopDelay.percentile(99)) : 0,
        eventLoopLagMaxMs: loopDelay.count > 0 ? lagMs(loopDelay.max) : 0,
        wallMs,
        diskWriteBytes: written === null || windowStartWritten === null ? null : written - windowStartWritten,
        ...(readCounters && windowStartCounters
          ? { counters: { start: windowStartCounters, end: readCounters() } }
          : {}),
      };
      sendToParent({ type: 'window', name: message.name, report });
    } else {
      loopDelay.disable();
      onStop().then(
        () => process.exit(0),
        (error: unknown) => {
          console.error('bench child: shutdown failed', error);
          process.exit(1);
        },
      );
    }
  });
  // The parent going away (crash, Ctrl-C) must not leave a server behind.
  process.on('disconnect', () => process.exit(0));
}
