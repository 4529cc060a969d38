import { cpus, loadavg } from 'node:os';
import type { ResolvedBenchArgs } from './args.js';
import type { ByteCounts, IngestFeed } from './clients.js';
import type { ProcessWindowReport } from './ipc.js';
import type { EventLedger, Samples, SystemStats } from './ledger.js';

/** Everything one run measured, handed from the phases to the report. */
export interface Measurements {
  args: ResolvedBenchArgs;
  ledger: EventLedger;
  server: {
    stats: SystemStats;
    flushIntervalMs: number;
    store: string;
    ramp: ProcessWindowReport;
    steady: ProcessWindowReport;
    bytes: ByteCounts;
    undelivered: number;
    disconnects: number;
    ingest: IngestFeed;
    acksPendingAtEnd: number;
  };
  floor: {
    stats: SystemStats;
    flushIntervalMs: number;
    ramp: ProcessWindowReport;
    steady: ProcessWindowReport;
    bytes: ByteCounts;
    undelivered: number;
    disconnects: number;
  };
  harness: { cpuPct: number; lagP99Ms: number; rampLagP99Ms: number };
  rampWallMs: number;
  rampDrainMs: number;
  steadyWallS: number;
  loadAtStart: number;
}

export function log(line = ''): void {
  process.stdout.write(`${line}\n`);
}

export function round(value: number, digits = 1): number {
  if (!Number.isFinite(value)) return value;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function fmt(samples: Samples): string {
  if (samples.count === 0) return 'no samples';
  const p = (q: number) => round(samples.percentile(q)).toFixed(1);
  return `p50 ${p(50)}  p95 ${p(95)}  p99 ${p(99)}  max ${p(100)} ms  (${samples.count} samples)`;
}

function pct(part: number, whole: number): number {
  return round((100 * part) / Math.max(1, whole), 2);
}

/** Prints the figures for people and returns the JSON summary (the bench prints it as its last line). */
export function report(m: Measurements): Record<string, unknown> {
  const { args, ledger } = m;
  const s = m.server.stats;
  const f = m.floor.stats;
  const steadyEvents = ledger.sentPerPhase.steady;
  const p99 = s.latency.steady.percentile(99);
  const floorP99 = f.latency.steady.percentile(99);
  const serverFanOut = s.fanOut();
  const floorFanOut = f.fanOut();
  const perDashboardPerS = (bytes: number) => bytes / args.dashboards / m.steadyWallS;
  const kib = (bytes: number) => round(perDashboardPerS(bytes) / 1024);
  const ingest = m.server.ingest;

  log(
    `ramp: ${args.calls} calls offered and answered, ${ledger.sentPerPhase.ramp} events in ` +
      `${round(m.rampWallMs / 1000)} s; every dashboard had every change ${round(m.rampDrainMs)} ms after the last was sent`,
  );
  log(`  ramp latency: server ${fmt(s.latency.ramp)}`);
  log(`                floor  ${fmt(f.latency.ramp)}`);
  log(`  ramp ingest ack round trip ${fmt(ingest.ackRoundTrip.ramp)}`);
  log();
  log(
    `steady phase: ${steadyEvents} events in ${round(m.steadyWallS)} s (${round(steadyEvents / m.steadyWallS)} events/s)`,
  );
  log(
    `  ingest acks: ${ingest.accepted} accepted, ${ingest.duplicates} duplicate, ${ingest.rejected} rejected; ` +
      `ack round trip ${fmt(ingest.ackRoundTrip.steady)}`,
  );
  for (const rejection of ingest.rejections) log(`    rejected: ${rejection}`);
  log('latency, event sent -> dashboard holds the new state (steady phase, every dashboard):');
  log(`  server  ${fmt(s.latency.steady)}`);
  log(`  floor   ${fmt(f.latency.steady)}`);
  log(`  p99 ratio server/floor: ${round(p99 / floorP99, 2)}`);
  log('where the time goes:');
  log(`  batching wait (sent -> next flush tick)  server ${fmt(s.batchingWait)}`);
  log(`                                           floor  ${fmt(f.batchingWait)}`);
  log(`  beyond batching (next tick -> delivered) server ${fmt(s.beyondBatching)}`);
  log(`                                           floor  ${fmt(f.beyondBatching)}`);
  log(`  flush -> delivered (per delta)           server ${fmt(s.flushToDelivery)}`);
  log(`                                           floor  ${fmt(f.flushToDelivery)}`);
  log(`  flush -> first dashboard has it          server ${fmt(serverFanOut.first)}`);
  log(`                                           floor  ${fmt(floorFanOut.first)}`);
  log(`  flush -> last dashboard has it           server ${fmt(serverFanOut.last)}`);
  log(`                                           floor  ${fmt(floorFanOut.last)}`);
  log(
    `  deliveries that missed the first flush after sending: server ${pct(s.missedFlush, s.latency.steady.count)}%, ` +
      `floor ${pct(f.missedFlush, f.latency.steady.count)}%`,
  );
  log('traffic per dashboard (steady phase):');
  log(
    `  server ${kib(m.server.bytes.wire)} KiB/s on the wire (TCP payload), ` +
      `${kib(m.server.bytes.messages)} KiB/s of WebSocket message payload`,
  );
  log(`  floor  ${kib(m.floor.bytes.wire)} KiB/s on the wire, ${kib(m.floor.bytes.messages)} KiB/s of message payload`);
  const describe = (name: string, ramp: ProcessWindowReport, steady: ProcessWindowReport) =>
    `  ${name}: CPU ${round(steady.cpuPct)}% of a core steady (${round(ramp.cpuPct)}% in the ramp), ` +
    `peak RSS ${round(steady.rssPeakMb)} MB, event-loop lag p50 ${round(steady.eventLoopLagP50Ms)} ` +
    `p99 ${round(steady.eventLoopLagP99Ms)} max ${round(steady.eventLoopLagMaxMs)} ms ` +
    `(ramp p99 ${round(ramp.eventLoopLagP99Ms)})` +
    (steady.diskWriteBytes === null
      ? ''
      : `, wrote ${round(steady.diskWriteBytes / 1024 / m.steadyWallS)} KiB/s to disk ` +
        `(${round(steady.diskWriteBytes / 1024 / Math.max(1, steadyEvents))} KiB per event)`);
  log('processes:');
  log(describe('server', m.server.ramp, m.server.steady));
  log(describe('floor ', m.floor.ramp, m.floor.steady));
  log(
    `  bench harness (ingest clients + ${2 * args.dashboards} dashboards): CPU ${round(m.harness.cpuPct)}%, ` +
      `event-loop lag p99 ${round(m.harness.lagP99Ms)} ms (ramp ${round(m.harness.rampLagP99Ms)} ms)`,
  );
  log(
    `integrity: seq gaps server ${s.seqGaps} / floor ${f.seqGaps}; undelivered steady events (summed over ` +
      `dashboards) server ${m.server.undelivered} / floor ${m.floor.undelivered}; disconnects server ` +
      `${m.server.disconnects} / floor ${m.floor.disconnects}; acks pending at end ${m.server.acksPendingAtEnd}`,
  );

  const serverSteady = m.server.steady;
  return {
    calls: args.calls,
    dashboards: args.dashboards,
    seconds: args.seconds,
    rate_per_s: args.rate,
    events: ledger.sentPerPhase.ramp + steadyEvents,
    events_steady: steadyEvents,
    events_rejected: ingest.rejected,
    flush_interval_ms: m.server.flushIntervalMs,
    floor_flush_interval_ms: m.floor.flushIntervalMs,
    store: m.server.store,
    p50_ms: round(s.latency.steady.percentile(50)),
    p95_ms: round(s.latency.steady.percentile(95)),
    p99_ms: round(p99),
    max_ms: round(s.latency.steady.percentile(100)),
    floor_p50_ms: round(f.latency.steady.percentile(50)),
    floor_p99_ms: round(floorP99),
    p99_ratio_vs_floor: round(p99 / floorP99, 2),
    beyond_batching_p50_ms: round(s.beyondBatching.percentile(50)),
    beyond_batching_p99_ms: round(s.beyondBatching.percentile(99)),
    floor_beyond_batching_p99_ms: round(f.beyondBatching.percentile(99)),
    flush_to_delivery_p50_ms: round(s.flushToDelivery.percentile(50)),
    flush_to_delivery_p99_ms: round(s.flushToDelivery.percentile(99)),
    floor_flush_to_delivery_p99_ms: round(f.flushToDelivery.percentile(99)),
    flush_to_first_dashboard_p99_ms: round(serverFanOut.first.percentile(99)),
    flush_to_last_dashboard_p99_ms: round(serverFanOut.last.percentile(99)),
    floor_flush_to_last_dashboard_p99_ms: round(floorFanOut.last.percentile(99)),
    missed_flush_pct: pct(s.missedFlush, s.latency.steady.count),
    ramp_p99_ms: round(s.latency.ramp.percentile(99)),
    ramp_drain_ms: Math.round(m.rampDrainMs),
    ingest_ack_p99_ms: round(ingest.ackRoundTrip.steady.percentile(99)),
    ramp_ingest_ack_p99_ms: round(ingest.ackRoundTrip.ramp.percentile(99)),
    bytes_per_dashboard_per_s: Math.round(perDashboardPerS(m.server.bytes.wire)),
    message_bytes_per_dashboard_per_s: Math.round(perDashboardPerS(m.server.bytes.messages)),
    floor_bytes_per_dashboard_per_s: Math.round(perDashboardPerS(m.floor.bytes.wire)),
    server_cpu_pct: round(serverSteady.cpuPct),
    server_ramp_cpu_pct: round(m.server.ramp.cpuPct),
    floor_cpu_pct: round(m.floor.steady.cpuPct),
    rss_mb: round(serverSteady.rssPeakMb),
    floor_rss_mb: round(m.floor.steady.rssPeakMb),
    event_loop_lag_p99_ms: round(serverSteady.eventLoopLagP99Ms),
    event_loop_lag_max_ms: round(serverSteady.eventLoopLagMaxMs),
    server_disk_write_kib_per_event:
      serverSteady.diskWriteBytes === null
        ? null
        : round(serverSteady.diskWriteBytes / 1024 / Math.max(1, steadyEvents)),
    harness_cpu_pct: round(m.harness.cpuPct),
    harness_event_loop_lag_p99_ms: round(m.harness.lagP99Ms),
    harness_ramp_event_loop_lag_p99_ms: round(m.harness.rampLagP99Ms),
    seq_gaps: s.seqGaps,
    floor_seq_gaps: f.seqGaps,
    undelivered: m.server.undelivered,
    disconnects: m.server.disconnects,
    // Other work on the machine skews everything here; the 1-minute load average says how busy it was.
    load_avg_1m_start: round(m.loadAtStart, 2),
    load_avg_1m_end: round(loadavg()[0] ?? 0, 2),
    cpu_cores: cpus().length,
    node: process.version,
    date: new Date().toISOString(),
  };
}
