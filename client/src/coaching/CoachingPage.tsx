import {
  type CoachingAssignment,
  type CoachingStatus,
  CoachingStatusSchema,
  reviewMomentPath,
  WEAK_LINK_LABELS,
} from '@earshot/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Notice, type NoticeState } from '../admin/Notice.js';
import { useSession } from '../auth/session.js';
import { formatScore } from '../evaluations/evaluationForm.js';
import { COACHING_KEY, coachingQueryOptions, evaluationWrites } from '../evaluations/evaluationQueries.js';
import { errorMessage } from '../lib/http.js';
import { formatDateTime, formatDuration } from '../lib/time.js';
import '../evaluations/evaluations.css';
import './coaching.css';

/**
 * The trainer's queue: the moments controllers handed on, oldest open first; each opens the call's review
 * at that moment, and the trainer marks the item done (with what they did) or opens it again.
 */
export function CoachingPage() {
  const { user } = useSession();
  const [params, setParams] = useSearchParams();
  const parsed = CoachingStatusSchema.safeParse(params.get('status'));
  const status: CoachingStatus = parsed.success ? parsed.data : 'open';
  const queue = useQuery(coachingQueryOptions({ status, limit: 500 }));

  return (
    <div className="content-page" data-testid="coaching-page">
      <title>Coaching queue · Earshot</title>
      <header className="page-header">
        <h1>Coaching queue</h1>
        <p className="page-lead">
          Moments quality controllers handed to you, {user.displayName}. Open one to hear it with the transcript, work
          through it with the agent, then mark it done.
        </p>
      </header>
      <div className="coaching-tabs">
        {(['open', 'done'] as const).map((tab) => (
          <button
            key={tab}
            type="button"
            className="chip"
            aria-pressed={status === tab}
            onClick={() => setParams(tab === 'open' ? {} : { status: tab })}
            data-testid={`coaching-tab-${tab}`}
          >
            {tab === 'open' ? 'To do' : 'Done'}
          </button>
        ))}
      </div>
      {queue.isPending && <p className="muted">Loading your queue…</p>}
      {queue.isError && (
        <p className="notice notice-error" role="alert">
          Could not load the queue: {errorMessage(queue.error)}
        </p>
      )}
      {queue.isSuccess && queue.data.length === 0 && (
        <section className="panel placeholder-panel" data-testid="coaching-empty">
          <h2>{status === 'open' ? 'Nothing to do' : 'Nothing done yet'}</h2>
          <p>
            {status === 'open'
              ? 'When a quality controller evaluates a call and hands its moments to you, they appear here.'
              : 'Items you mark done are kept here, with your note.'}
          </p>
        </section>
      )}
      {queue.isSuccess && queue.data.length > 0 && (
        <ol className="coaching-queue" data-testid="coaching-queue">
          {queue.data.map((item) => (
            <CoachingItem key={item.id} item={item} />
          ))}
        </ol>
      )}
    </div>
  );
}

function CoachingItem({ item }: { item: CoachingAssignment }) {
  const queryClient = useQueryClient();
  const [note, setNote] = useState('');
  const [notice, setNotice] = useState<NoticeState>(null);
  const noteId = useId();
  const update = useMutation({
    mutationFn: (status: CoachingStatus) =>
      evaluationWrites.updateCoaching(item.id, status === 'done' && note.trim() ? { status, note } : { status }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: COACHING_KEY }),
    onError: (error) => setNotice({ kind: 'error', text: errorMessage(error) }),
  });
  const first = item.moments[0];
  return (
    <li
      className="panel coaching-item"
      data-testid="coaching-item"
      data-call-id={item.callId}
      data-status={item.status}
    >
      <header className="coaching-item-head">
        <h2 className="coaching-agent">{item.agentName ?? 'Unknown agent'}</h2>
        <span className={`tag coaching-status-${item.status}`}>{item.status === 'done' ? 'Done' : 'To do'}</span>
        <span className="muted">
          from {item.assignedByName} · {formatDateTime(item.createdAt, Date.now())}
        </span>
        {first && (
          <Link
            className="button button-small"
            to={reviewMomentPath(item.callId, first.atMs)}
            data-testid="coaching-open"
          >
            Open the call
          </Link>
        )}
      </header>
      {(item.weakLink || item.evaluationScore !== null) && (
        <p className="coaching-context">
          {item.evaluationScore !== null && (
            <span>
              Scored <strong className="timer">{formatScore(item.evaluationScore)}</strong>
            </span>
          )}
          {item.weakLink && (
            <span className="tag evaluation-weak-tag" data-testid="coaching-weak-link">
              Weak link: {WEAK_LINK_LABELS[item.weakLink.kind]}
              {item.weakLink.note ? ` · ${item.weakLink.note}` : ''}
            </span>
          )}
        </p>
      )}
      {item.note && <p className="coaching-note">{item.note}</p>}
      <ol className="moment-list" aria-label="Moments">
        {item.moments.map((moment) => (
          <li key={moment.id} className="moment-item">
            <Link
              className="moment-time timer"
              to={reviewMomentPath(item.callId, moment.atMs)}
              data-testid="coaching-moment"
            >
              {formatDuration(moment.atMs)}
            </Link>
            <span className="moment-text">{moment.text}</span>
          </li>
        ))}
      </ol>
      {item.status === 'done' ? (
        <div className="coaching-done">
          <span className="muted">
            Done {item.doneAt !== null ? formatDateTime(item.doneAt, Date.now()) : ''}
            {item.doneNote ? `: ${item.doneNote}` : ''}
          </span>
          <button
            type="button"
            className="button button-quiet button-small"
            onClick={() => update.mutate('open')}
            disabled={update.isPending}
          >
            Open again
          </button>
        </div>
      ) : (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            update.mutate('done');
          }}
        >
          <label htmlFor={noteId}>What you did</label>
          <input
            id={noteId}
            className="input input-wide"
            maxLength={2_000}
            value={note}
            placeholder="Optional, for the controller"
            onChange={(e) => setNote(e.currentTarget.value)}
          />
          <button
            type="submit"
            className="button button-primary"
            disabled={update.isPending}
            data-testid="coaching-mark-done"
          >
            Mark done
          </button>
        </form>
      )}
      <Notice notice={notice} />
    </li>
  );
}
