import { type Call, DEFAULT_WALLBOARD_SETTINGS, EMPTY_WALLBOARD_STATS } from '@earshot/shared';
import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useConnectionStatus } from '../socket/useConnectionStatus.js';
import { FilterBar } from './FilterBar.js';
import {
  facetCounts,
  filterCalls,
  hasFilters,
  NO_FILTERS,
  sortCalls,
  viewFromSearchParams,
  viewToSearchParams,
} from './filterSort.js';
import { StatsHeader } from './StatsHeader.js';
import { TileGrid } from './TileGrid.js';
import { appendTrendSample, type TrendSample } from './trend.js';
import { useWallboard } from './useWallboard.js';

const NO_CALLS: ReadonlyMap<string, Call> = new Map();

export function WallboardPage() {
  const sync = useWallboard();
  const connection = useConnectionStatus();
  const [searchParams, setSearchParams] = useSearchParams();
  const view = useMemo(() => viewFromSearchParams(searchParams), [searchParams]);

  const data = sync.data;
  const calls = data?.calls ?? NO_CALLS;
  const settings = data?.settings ?? DEFAULT_WALLBOARD_SETTINGS;
  const stats = data?.stats ?? EMPTY_WALLBOARD_STATS;

  const shown = useMemo(() => sortCalls(filterCalls(calls.values(), view.filters), view.sort), [calls, view]);
  const counts = useMemo(() => facetCounts(calls.values(), view.filters), [calls, view.filters]);
  const onHold = useMemo(() => {
    let n = 0;
    for (const call of calls.values()) if (call.state === 'hold') n += 1;
    return n;
  }, [calls]);

  const [trend, setTrend] = useState<readonly TrendSample[]>([]);
  useEffect(() => {
    if (data) setTrend((samples) => appendTrendSample(samples, data.serverTime, data.stats));
  }, [data]);

  return (
    <div
      className={`wallboard${connection === 'reconnecting' ? ' wallboard-stale' : ''}`}
      data-testid="wallboard"
      data-phase={sync.phase}
      data-seq={data?.seq ?? ''}
    >
      <title>{data ? `Wallboard (${calls.size} live) · Earshot` : 'Wallboard · Earshot'}</title>
      <StatsHeader calls={calls} stats={stats} settings={settings} onHold={onHold} trend={trend} />
      <FilterBar
        view={view}
        counts={counts}
        shown={shown.length}
        total={calls.size}
        onChange={(next) => setSearchParams(viewToSearchParams(next), { replace: true })}
      />
      {connection === 'reconnecting' && (
        <p className="banner banner-warn" role="status" data-testid="banner-reconnecting">
          Reconnecting… The tiles show the last known state and will refresh when the connection is back.
        </p>
      )}
      {sync.phase === 'failed' && sync.error && (
        <p className="banner banner-warn" role="alert" data-testid="banner-sync-error">
          Could not load the wallboard: {sync.error}. Trying again…
        </p>
      )}
      {data === null ? (
        <div className="empty-state" data-testid="wallboard-loading">
          <p>{connection === 'connected' ? 'Loading the wallboard…' : 'Connecting to the server…'}</p>
        </div>
      ) : calls.size === 0 ? (
        <div className="empty-state" data-testid="wallboard-empty">
          <h2>No live calls</h2>
          <p>Calls appear here the moment they are offered.</p>
        </div>
      ) : shown.length === 0 && hasFilters(view.filters) ? (
        <div className="empty-state" data-testid="wallboard-no-match">
          <h2>No calls match these filters</h2>
          <button
            type="button"
            className="clear-filters"
            onClick={() => setSearchParams(viewToSearchParams({ ...view, filters: NO_FILTERS }), { replace: true })}
          >
            Clear filters
          </button>
        </div>
      ) : (
        <TileGrid calls={shown} settings={settings} />
      )}
    </div>
  );
}
