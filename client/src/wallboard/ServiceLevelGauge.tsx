import { Cell, Pie, PieChart } from 'recharts';

interface ServiceLevelGaugeProps {
  /** Null before any call counts. */
  pct: number | null;
  targetPct: number;
}

const GAUGE_WIDTH_PX = 132;
const GAUGE_HEIGHT_PX = 72;

/**
 * A half-circle gauge: the thick arc is today's service level, the thin outer arc marks the target zone
 * (from the target to 100%), so "inside the zone or not" reads at a glance.
 */
export function ServiceLevelGauge({ pct, targetPct }: ServiceLevelGaugeProps) {
  const value = pct === null ? 0 : Math.min(100, Math.max(0, pct));
  const colour = pct === null ? 'var(--track)' : pct >= targetPct ? 'var(--good)' : 'var(--bad)';
  return (
    <div className="gauge" aria-hidden="true">
      <PieChart width={GAUGE_WIDTH_PX} height={GAUGE_HEIGHT_PX}>
        <Pie
          data={[{ part: value }, { part: 100 - value }]}
          dataKey="part"
          startAngle={180}
          endAngle={0}
          cx="50%"
          cy="100%"
          innerRadius={44}
          outerRadius={58}
          stroke="none"
          isAnimationActive={false}
        >
          <Cell fill={colour} />
          <Cell fill="var(--track)" />
        </Pie>
        <Pie
          data={[{ part: targetPct }, { part: 100 - targetPct }]}
          dataKey="part"
          startAngle={180}
          endAngle={0}
          cx="50%"
          cy="100%"
          innerRadius={61}
          outerRadius={65}
          stroke="none"
          isAnimationActive={false}
        >
          <Cell fill="transparent" />
          <Cell fill="var(--text-muted)" />
        </Pie>
      </PieChart>
    </div>
  );
}
