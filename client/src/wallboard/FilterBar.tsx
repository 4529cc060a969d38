import { LINES, TOPIC_LABELS, TOPICS } from '@earshot/shared';
import type { ReactNode } from 'react';
import { formatCount } from '../lib/time.js';
import { STATE_LABELS, StateIcon } from '../ui/icons.js';
import {
  type FacetCounts,
  hasFilters,
  LIVE_STATES,
  NO_FILTERS,
  SORT_ORDERS,
  type SortOrder,
  toggleFilter,
  type WallboardView,
} from './filterSort.js';

const SORT_LABELS: Record<SortOrder, string> = {
  longest: 'Sort: longest first',
  waiting_first: 'Sort: waiting first',
};

interface FilterBarProps {
  view: WallboardView;
  counts: FacetCounts;
  shown: number;
  total: number;
  onChange: (view: WallboardView) => void;
}

/** Narrow the grid by state, line and topic; each choice shows how many calls it would show. */
export function FilterBar({ view, counts, shown, total, onChange }: FilterBarProps) {
  const { filters } = view;
  return (
    <section className="filter-bar" aria-label="Filter and sort calls" data-testid="filter-bar">
      <FilterGroup label="State">
        {LIVE_STATES.map((state) => (
          <Chip
            key={state}
            testId={`filter-state-${state}`}
            pressed={filters.states.has(state)}
            count={counts.states[state]}
            onClick={() => onChange({ ...view, filters: toggleFilter(filters, 'states', state) })}
          >
            <StateIcon state={state} className={`chip-icon state-icon-${state}`} />
            {STATE_LABELS[state]}
          </Chip>
        ))}
      </FilterGroup>
      <FilterGroup label="Line">
        {LINES.map((line) => (
          <Chip
            key={line}
            testId={`filter-line-${line}`}
            pressed={filters.lines.has(line)}
            count={counts.lines[line]}
            onClick={() => onChange({ ...view, filters: toggleFilter(filters, 'lines', line) })}
          >
            {line}
          </Chip>
        ))}
      </FilterGroup>
      <FilterGroup label="Topic">
        {TOPICS.map((topic) => (
          <Chip
            key={topic}
            testId={`filter-topic-${topic}`}
            pressed={filters.topics.has(topic)}
            count={counts.topics[topic]}
            onClick={() => onChange({ ...view, filters: toggleFilter(filters, 'topics', topic) })}
          >
            {TOPIC_LABELS[topic]}
          </Chip>
        ))}
      </FilterGroup>
      <div className="filter-end">
        <select
          className="sort"
          aria-label="Sort calls"
          value={view.sort}
          data-testid="sort-order"
          onChange={(event) => {
            const sort = SORT_ORDERS.find((s) => s === event.target.value) ?? 'longest';
            onChange({ ...view, sort });
          }}
        >
          {SORT_ORDERS.map((order) => (
            <option key={order} value={order}>
              {SORT_LABELS[order]}
            </option>
          ))}
        </select>
        <output className="filter-summary" data-testid="filter-summary">
          {hasFilters(filters) ? `${formatCount(shown)} of ${formatCount(total)} calls` : `${formatCount(total)} calls`}
        </output>
        {hasFilters(filters) && (
          <button
            type="button"
            className="clear-filters"
            data-testid="filter-clear"
            onClick={() => onChange({ ...view, filters: NO_FILTERS })}
          >
            Clear filters
          </button>
        )}
      </div>
    </section>
  );
}

function FilterGroup({ label, children }: { label: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/useSemanticElements: a fieldset's legend breaks the one-line chip layout; role=group names it the same way.
    <div className="filter-group" role="group" aria-label={label}>
      <span className="filter-group-label" aria-hidden="true">
        {label}
      </span>
      {children}
    </div>
  );
}

interface ChipProps {
  pressed: boolean;
  count: number;
  testId: string;
  onClick: () => void;
  children: ReactNode;
}

function Chip({ pressed, count, testId, onClick, children }: ChipProps) {
  return (
    <button
      type="button"
      className={`chip${count === 0 && !pressed ? ' chip-empty' : ''}`}
      aria-pressed={pressed}
      data-testid={testId}
      data-count={count}
      onClick={onClick}
    >
      {children}
      <span className="chip-count">{formatCount(count)}</span>
    </button>
  );
}
