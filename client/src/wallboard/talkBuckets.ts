import { type Call, classifyDuration, type Severity, talkTimeMs, type WallboardSettings } from '@earshot/shared';

/** One bar of the "talk time now" chart. */
export interface TalkBucket {
  label: string;
  count: number;
  /** The severity of every call in the bucket: the bucket edges include the amber and red thresholds. */
  severity: Severity;
}

function minutes(ms: number): string {
  const m = ms / 60_000;
  return Number.isInteger(m) ? String(m) : m.toFixed(1);
}

/**
 * Answered calls grouped by how long they have been talking. The edges are a quarter and a half of the
 * amber threshold, the amber threshold and the red threshold, so the last two bars are exactly the long
 * calls and the very long calls the tiles colour.
 */
export function talkTimeBuckets(calls: Iterable<Call>, now: number, settings: WallboardSettings): TalkBucket[] {
  const { longCallAmberMs: amber, longCallRedMs: red } = settings;
  const edges = [amber / 4, amber / 2, amber, red];
  const counts = [0, 0, 0, 0, 0];
  for (const call of calls) {
    if (call.answeredAt === null || call.state === 'ended') continue;
    const talk = talkTimeMs(call, now);
    let index = edges.findIndex((edge) => talk < edge);
    if (index === -1) index = edges.length;
    counts[index] = (counts[index] ?? 0) + 1;
  }
  const labels = [
    `<${minutes(edges[0] ?? 0)}`,
    `${minutes(edges[0] ?? 0)}–${minutes(edges[1] ?? 0)}`,
    `${minutes(edges[1] ?? 0)}–${minutes(edges[2] ?? 0)}`,
    `${minutes(edges[2] ?? 0)}–${minutes(edges[3] ?? 0)}`,
    `${minutes(edges[3] ?? 0)}+`,
  ];
  const lowerEdges = [0, ...edges];
  return labels.map((label, i) => ({
    label,
    count: counts[i] ?? 0,
    severity: classifyDuration(lowerEdges[i] ?? 0, amber, red),
  }));
}
