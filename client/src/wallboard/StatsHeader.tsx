import {
  type Call,
  classifyDuration,
  serviceLevelPct,
  type WallboardSettings,
  type WallboardStats,
} from '@earshot/shared';
import { useServerNow } from '../lib/serverClock.js';
import { formatCount, formatDuration, formatPct } from '../lib/time.js';
import { useMediaQuery } from '../lib/useMediaQuery.js';
import { QueueTrend } from './QueueTrend.js';
import { ServiceLevelGauge } from './ServiceLevelGauge.js';
import { QUEUE_WAIT_AMBER_SHARE } from './severity.js';
import { TalkTimeChart } from './TalkTimeChart.js';
import type { TrendSample } from './trend.js';

/** Kept in step with the laptop breakpoint in app.css. */
const WIDE_SCREEN_QUERY = '(min-width: 1281px)';

interface StatsHeaderProps {
  calls: ReadonlyMap<string, Call>;
  stats: WallboardStats;
  settings: WallboardSettings;
  onHold: number;
  trend: readonly TrendSample[];
}

/** The supervisor's numbers, big enough to read across the room. */
export function StatsHeader({ calls, stats, settings, onHold, trend }: StatsHeaderProps) {
  const slPct = serviceLevelPct(stats.serviceLevel);
  const slMet = slPct === null ? null : slPct >= settings.serviceLevelTargetPct;
  const thresholdMinutes = Math.round(settings.serviceLevelThresholdMs / 60_000);
  // Laptops keep the four numbers in one row; the small charts give way to the grid there.
  const roomForCharts = useMediaQuery(WIDE_SCREEN_QUERY);
  const abandonedPct = stats.offeredToday > 0 ? (100 * stats.abandonedToday) / stats.offeredToday : null;

  return (
    <section className="stats" aria-label="Today at a glance" data-testid="wallboard-stats">
      <article className="stat stat-with-chart" data-testid="stat-in-progress">
        <div>
          <h2 className="stat-label">In progress</h2>
          <p className="stat-value" data-testid="in-progress-value">
            {formatCount(stats.inProgress)}
          </p>
          <p className="stat-sub">
            {onHold > 0 ? <span className="stat-hold">{formatCount(onHold)} on hold</span> : 'none on hold'}
          </p>
        </div>
        {roomForCharts && <TalkTimeChart calls={calls} settings={settings} />}
      </article>

      <article className="stat stat-with-chart" data-testid="stat-waiting">
        <div className="stat-waiting-numbers">
          <div>
            <h2 className="stat-label">Waiting</h2>
            <p className="stat-value" data-testid="waiting-value">
              {formatCount(stats.waiting)}
            </p>
          </div>
          <LongestWait since={stats.oldestWaitingSince} settings={settings} />
        </div>
        {roomForCharts && <QueueTrend samples={trend} />}
      </article>

      <article
        className={`stat stat-sl${slMet === null ? '' : slMet ? ' sl-met' : ' sl-missed'}`}
        data-testid="stat-service-level"
        data-met={slMet === null ? 'unknown' : String(slMet)}
      >
        <div>
          <h2 className="stat-label">Service level today</h2>
          <p className="stat-value" data-testid="service-level-value">
            {formatPct(slPct)}
          </p>
          <p className="stat-sub">
            target {settings.serviceLevelTargetPct}% within {thresholdMinutes} min
          </p>
          <p className="stat-sub stat-sub-tight">
            {formatCount(stats.serviceLevel.answeredWithinThreshold)} of {formatCount(stats.serviceLevel.offered)} calls
            in time
          </p>
        </div>
        {roomForCharts && <ServiceLevelGauge pct={slPct} targetPct={settings.serviceLevelTargetPct} />}
      </article>

      <article className="stat" data-testid="stat-abandoned">
        <h2 className="stat-label">Abandoned today</h2>
        <p className="stat-value" data-testid="abandoned-value">
          {formatCount(stats.abandonedToday)}
        </p>
        <p className="stat-sub">
          {abandonedPct === null
            ? 'no calls offered yet'
            : `${formatPct(abandonedPct)} of ${formatCount(stats.offeredToday)} offered`}
        </p>
      </article>
    </section>
  );
}

/** The longest wait of the callers still in the queue, ticking; coloured as the queue tiles are. */
function LongestWait({ since, settings }: { since: number | null; settings: WallboardSettings }) {
  const now = useServerNow();
  const waitMs = since === null ? null : Math.max(0, now - since);
  const threshold = settings.serviceLevelThresholdMs;
  const severity = waitMs === null ? 'normal' : classifyDuration(waitMs, threshold * QUEUE_WAIT_AMBER_SHARE, threshold);
  return (
    <div className={`longest-wait severity-text-${severity}`} data-testid="longest-wait" data-severity={severity}>
      <h2 className="stat-label">Longest wait</h2>
      <p className="stat-value timer">{waitMs === null ? '—' : formatDuration(waitMs)}</p>
    </div>
  );
}
