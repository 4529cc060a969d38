import { AUDIT_ACTIONS, type AuditAction, type AuditEntry, ROLE_LABELS } from '@earshot/shared';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { type FormEvent, useId, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { canUse } from '../app/features.js';
import { useSession } from '../auth/session.js';
import { errorMessage } from '../lib/http.js';
import { formatDateTime } from '../lib/time.js';
import { auditQueryOptions, usersQueryOptions } from './adminQueries.js';
import {
  AUDIT_ACTION_LABELS,
  type AuditFilters,
  auditExportHref,
  auditFiltersProblem,
  filtersFromSearchParams,
  filtersToSearchParams,
  fromDateTimeLocal,
  hasAuditFilters,
  NO_AUDIT_FILTERS,
  toDateTimeLocal,
} from './auditFilters.js';
import { shortUserAgent } from './auditFormat.js';

export function AuditPage() {
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = useMemo(() => filtersFromSearchParams(searchParams), [searchParams]);
  const problem = auditFiltersProblem(filters);
  const log = useInfiniteQuery({ ...auditQueryOptions(filters), enabled: problem === null });
  const entries = useMemo(() => log.data?.pages.flatMap((page) => page.items) ?? [], [log.data]);
  const loadMoreError = log.isFetchNextPageError ? log.error : null;
  const apply = (next: AuditFilters) => setSearchParams(filtersToSearchParams(next));

  return (
    <div className="admin-page" data-testid="audit-page">
      <title>Audit log · Admin · Earshot</title>
      <header className="page-header page-header-row">
        <div>
          <h1>Audit log</h1>
          <p className="page-lead">
            Who did what, when and from where: sign-ins, listening in, recordings, screens, and every admin change.
            Entries cannot be edited or deleted.
          </p>
        </div>
        {problem === null && (
          <a className="button" href={auditExportHref(filters)} download data-testid="audit-export">
            Export CSV
          </a>
        )}
      </header>
      <AuditFilterForm key={searchParams.toString()} filters={filters} onApply={apply} />
      {problem ? (
        <p className="notice notice-error" role="alert">
          {problem}
        </p>
      ) : log.isPending ? (
        <p className="muted">Loading the log…</p>
      ) : log.isError ? (
        <p className="notice notice-error" role="alert" data-testid="audit-error">
          Could not load the audit log: {errorMessage(log.error)}
        </p>
      ) : entries.length === 0 ? (
        <p className="empty-note" data-testid="audit-empty">
          {hasAuditFilters(filters) ? 'No entries match these filters.' : 'The log is empty.'}
        </p>
      ) : (
        <>
          <AuditTable entries={entries} onFilter={(patch) => apply({ ...filters, ...patch })} />
          <div className="table-foot">
            <span className="muted" data-testid="audit-count">
              {entries.length} {entries.length === 1 ? 'entry' : 'entries'} shown
              {log.hasNextPage ? ', newest first' : ''}
            </span>
            {log.hasNextPage && (
              <button
                type="button"
                className="button"
                onClick={() => void log.fetchNextPage()}
                disabled={log.isFetchingNextPage}
                data-testid="audit-load-more"
              >
                {log.isFetchingNextPage ? 'Loading…' : 'Load older entries'}
              </button>
            )}
          </div>
          {loadMoreError && (
            <p className="notice notice-error" role="alert">
              Could not load more: {errorMessage(loadMoreError)}
            </p>
          )}
        </>
      )}
    </div>
  );
}

/** The filter form keeps its own draft; the page's address changes only on "Apply". */
function AuditFilterForm({ filters, onApply }: { filters: AuditFilters; onApply: (filters: AuditFilters) => void }) {
  const { user } = useSession();
  const users = useQuery({ ...usersQueryOptions(), enabled: canUse(user.role, 'adminUsers') });
  const [draft, setDraft] = useState({
    from: toDateTimeLocal(filters.from),
    to: toDateTimeLocal(filters.to),
    username: filters.username,
    action: filters.action ?? '',
    callId: filters.callId,
  });
  const ids = { from: useId(), to: useId(), username: useId(), action: useId(), callId: useId(), users: useId() };
  const set = (field: keyof typeof draft) => (value: string) => setDraft((d) => ({ ...d, [field]: value }));
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    onApply({
      from: fromDateTimeLocal(draft.from),
      to: fromDateTimeLocal(draft.to, true),
      username: draft.username.trim(),
      action: (draft.action || null) as AuditAction | null,
      callId: draft.callId.trim(),
    });
  };

  return (
    <form className="filters" onSubmit={onSubmit} aria-label="Filter the audit log" data-testid="audit-filters">
      <div className="field">
        <label htmlFor={ids.from}>From</label>
        <input
          id={ids.from}
          className="input"
          type="datetime-local"
          value={draft.from}
          onChange={(e) => set('from')(e.target.value)}
          data-testid="audit-filter-from"
        />
      </div>
      <div className="field">
        <label htmlFor={ids.to}>To</label>
        <input
          id={ids.to}
          className="input"
          type="datetime-local"
          value={draft.to}
          onChange={(e) => set('to')(e.target.value)}
          data-testid="audit-filter-to"
        />
      </div>
      <div className="field">
        <label htmlFor={ids.username}>User</label>
        <input
          id={ids.username}
          className="input"
          list={ids.users}
          value={draft.username}
          onChange={(e) => set('username')(e.target.value)}
          placeholder="exact username"
          autoCapitalize="none"
          spellCheck={false}
          data-testid="audit-filter-user"
        />
        <datalist id={ids.users}>
          {users.data?.map((u) => (
            <option key={u.id} value={u.username} />
          ))}
        </datalist>
      </div>
      <div className="field">
        <label htmlFor={ids.action}>Action</label>
        <select
          id={ids.action}
          className="select"
          value={draft.action}
          onChange={(e) => set('action')(e.target.value)}
          data-testid="audit-filter-action"
        >
          <option value="">Any action</option>
          {AUDIT_ACTIONS.map((action) => (
            <option key={action} value={action}>
              {AUDIT_ACTION_LABELS[action]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.callId}>Call</label>
        <input
          id={ids.callId}
          className="input"
          value={draft.callId}
          onChange={(e) => set('callId')(e.target.value)}
          placeholder="call id"
          spellCheck={false}
          data-testid="audit-filter-call"
        />
      </div>
      <div className="filters-actions">
        <button type="submit" className="button button-primary" data-testid="audit-filter-apply">
          Apply
        </button>
        <button
          type="button"
          className="button button-quiet"
          onClick={() => onApply(NO_AUDIT_FILTERS)}
          data-testid="audit-filter-reset"
        >
          Reset
        </button>
      </div>
    </form>
  );
}

function AuditTable({
  entries,
  onFilter,
}: {
  entries: AuditEntry[];
  onFilter: (patch: Partial<AuditFilters>) => void;
}) {
  const now = Date.now();
  return (
    <div className="table-wrap">
      <table className="table table-dense" data-testid="audit-table">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">User</th>
            <th scope="col">Action</th>
            <th scope="col">Call · object</th>
            <th scope="col">Reason · details</th>
            <th scope="col">From</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.id} data-testid="audit-row" data-action={entry.action}>
              <td className="cell-nowrap">
                <time dateTime={new Date(entry.at).toISOString()} title={new Date(entry.at).toISOString()}>
                  {formatDateTime(entry.at, now)}
                </time>
              </td>
              <td>
                {entry.username ? (
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => onFilter({ username: entry.username ?? '' })}
                    title={`Only ${entry.username}`}
                  >
                    {entry.username}
                  </button>
                ) : (
                  <span className="muted">system</span>
                )}
                {entry.role && <span className="cell-sub">{ROLE_LABELS[entry.role]}</span>}
              </td>
              <td>
                <span className={`action action-${entry.action.split('.')[0]}`}>
                  {AUDIT_ACTION_LABELS[entry.action]}
                </span>
              </td>
              <td className="cell-ids">
                {entry.callId && (
                  <Link to={`/calls/${encodeURIComponent(entry.callId)}`} className="cell-code">
                    {entry.callId}
                  </Link>
                )}
                {entry.objectId && <code className="cell-sub cell-code">{entry.objectId}</code>}
                {!entry.callId && !entry.objectId && <span className="muted">—</span>}
              </td>
              <td className="cell-reason">
                {entry.reason && <span>{entry.reason}</span>}
                <DetailList detail={entry.detail} />
                {!entry.reason && Object.keys(entry.detail).length === 0 && <span className="muted">—</span>}
              </td>
              <td className="cell-from">
                {entry.ip ?? <span className="muted">—</span>}
                {entry.userAgent && (
                  <span className="cell-sub cell-ua" title={entry.userAgent}>
                    {shortUserAgent(entry.userAgent)}
                  </span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function DetailList({ detail }: { detail: AuditEntry['detail'] }) {
  const pairs = Object.entries(detail);
  if (pairs.length === 0) return null;
  return (
    <dl className="kv">
      {pairs.map(([key, value]) => (
        <div key={key} className="kv-pair">
          <dt>{key}</dt>
          <dd>{value === null ? '—' : String(value)}</dd>
        </div>
      ))}
    </dl>
  );
}
