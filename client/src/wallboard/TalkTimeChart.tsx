import type { Call, Severity, WallboardSettings } from '@earshot/shared';
import { useMemo } from 'react';
import { Bar, BarChart, Cell, LabelList, ResponsiveContainer, XAxis } from 'recharts';
import { useServerNow } from '../lib/serverClock.js';
import { talkTimeBuckets } from './talkBuckets.js';

const BAR_COLOURS: Record<Severity, string> = {
  normal: 'var(--bar-neutral)',
  amber: 'var(--amber)',
  red: 'var(--red)',
};

/** Answered calls by talk time right now, in minutes; the amber and red bars are the long calls. */
export function TalkTimeChart({ calls, settings }: { calls: ReadonlyMap<string, Call>; settings: WallboardSettings }) {
  const now = useServerNow();
  const buckets = talkTimeBuckets(calls.values(), now, settings);
  // Re-draw the chart only when a count changes, not on every tick.
  const key = buckets.map((b) => b.count).join(',');
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` captures every count the chart shows.
  const data = useMemo(() => buckets, [key, settings]);
  const longCalls = data.filter((b) => b.severity !== 'normal').reduce((sum, b) => sum + b.count, 0);

  return (
    <figure className="talk-chart" data-testid="talk-time-chart" data-long-calls={longCalls}>
      <figcaption className="chart-caption">talk time, min</figcaption>
      <div className="talk-chart-plot" aria-hidden="true">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} margin={{ top: 16, right: 0, bottom: 0, left: 0 }} barCategoryGap="18%">
            <XAxis
              dataKey="label"
              axisLine={false}
              tickLine={false}
              interval={0}
              tick={{ fill: 'var(--text-muted)', fontSize: 11 }}
              height={16}
            />
            <Bar dataKey="count" isAnimationActive={false} radius={[3, 3, 0, 0]} minPointSize={2}>
              {data.map((bucket) => (
                <Cell key={bucket.label} fill={BAR_COLOURS[bucket.severity]} />
              ))}
              <LabelList dataKey="count" position="top" fill="var(--text)" fontSize={12} />
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
      <p className="sr-only">{data.map((b) => `${b.label} minutes: ${b.count}`).join('; ')}</p>
    </figure>
  );
}
