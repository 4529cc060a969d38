import { Area, AreaChart, ResponsiveContainer, YAxis } from 'recharts';
import type { TrendSample } from './trend.js';

/** Calls waiting over the last half hour (since this page opened), as a small area under the number. */
export function QueueTrend({ samples }: { samples: readonly TrendSample[] }) {
  // A line needs a few points before it says anything; until then the card shows just the numbers.
  if (samples.length < 3) return null;
  return (
    <figure className="trend" aria-hidden="true">
      <figcaption className="chart-caption">waiting, last 30 min</figcaption>
      <div className="trend-plot">
        <ResponsiveContainer width="100%" height="100%">
          <AreaChart data={samples as TrendSample[]} margin={{ top: 4, right: 0, bottom: 0, left: 0 }}>
            <YAxis hide domain={[0, (max: number) => Math.max(4, max)]} />
            <Area
              type="monotone"
              dataKey="waiting"
              stroke="var(--text-muted)"
              strokeWidth={1.5}
              fill="var(--track)"
              isAnimationActive={false}
            />
          </AreaChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
