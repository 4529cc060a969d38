import { CAPTURE_INTERVAL_MS } from '@earshot/shared';
import { useSession } from '../auth/session.js';
import { useNow } from '../lib/ticker.js';
import { formatClock } from '../lib/time.js';
import { useCapture } from './useCapture.js';

const ACTIVITY_WORDS = {
  watching: 'Being watched by',
  listening: 'Being listened to by',
  whispering: 'Being whispered to by',
  barging: 'Joined on the call by',
} as const;

/**
 * The agent's capture page: who they are, the "Share my screen" button, and at all times what is being
 * captured and who is looking. Frames are only taken while the agent is on a call.
 */
export function AgentPage() {
  const { user } = useSession();
  const { session, capture, state, joinError } = useCapture();
  const now = useNow();
  const sharing = capture.status === 'sharing';
  const onCall = state?.callId != null;
  const intervalS = (state?.intervalMs ?? CAPTURE_INTERVAL_MS) / 1000;
  const capturing = sharing && onCall;
  const watchers = state?.watchers ?? [];
  // Stopped (or never started) while on a call: the quality team sees nothing; say so loudly.
  const missing = !sharing && onCall;

  return (
    <div className="content-page capture-page" data-testid="agent-page" data-share={capture.status}>
      <title>{capturing ? '● Capturing · Agent · Earshot' : 'Agent · Earshot'}</title>
      <div
        className={`capture-indicator${capturing ? ' capture-indicator-live' : ''}${missing ? ' capture-indicator-missing' : ''}`}
        role="status"
        data-testid="capture-indicator"
        data-capturing={capturing}
      >
        <span className="capture-dot" aria-hidden="true" />
        <span className="capture-indicator-text">
          {capturing
            ? `Your screen is being captured every ${intervalS} s for quality review`
            : sharing
              ? 'Your screen is shared. Nothing is captured until you are on a call.'
              : missing
                ? 'You are on a call and your screen is not shared: nothing is being captured.'
                : 'Your screen is not being captured.'}
        </span>
        {watchers.length > 0 && (
          <ul className="capture-watchers" data-testid="capture-watchers">
            {watchers.map((watcher) => (
              <li key={watcher.userId}>
                {ACTIVITY_WORDS[watcher.activity]} <strong>{watcher.displayName}</strong>
              </li>
            ))}
          </ul>
        )}
      </div>

      <header className="page-header">
        <h1>{user.displayName}</h1>
        <p className="page-lead">
          Agent id <code data-testid="agent-id">{user.agentId ?? 'not set'}</code>
          {state && (
            <>
              {' · '}
              <span data-testid="agent-call-state">
                {state.callId ? (
                  <>
                    on call <code>{state.callId}</code>
                  </>
                ) : (
                  'not on a call'
                )}
              </span>
            </>
          )}
        </p>
      </header>

      {user.agentId === null && (
        <p className="banner banner-warn" role="alert">
          Your account is not linked to an agent id, so nothing can be captured. Ask an admin to link it.
        </p>
      )}
      {joinError && (
        <p className="banner banner-warn" role="alert" data-testid="capture-join-error">
          Could not reach the capture service: {joinError}
        </p>
      )}

      <section className="panel capture-panel" aria-labelledby="capture-title">
        <h2 id="capture-title" className="panel-title">
          Screen capture
        </h2>
        <p>
          While you are on a call, Earshot takes a still picture of your shared screen every {intervalS} s (and when it
          changes), so the quality team sees what you saw. Nothing is captured between calls.
        </p>
        {capture.problem && (
          <p className="banner banner-warn" role="alert" data-testid="capture-problem">
            {capture.problem}
          </p>
        )}
        {!sharing && (
          <button
            type="button"
            className="button button-primary capture-start"
            data-testid="share-screen"
            disabled={capture.status === 'starting' || capture.status === 'unsupported'}
            onClick={() => void session.start()}
          >
            {capture.status === 'ended' ? 'Share my screen again' : 'Share my screen'}
          </button>
        )}
        <dl className="details capture-stats" data-testid="capture-stats">
          <div className="detail">
            <dt>Sharing</dt>
            <dd data-testid="capture-status">
              {sharing ? `yes${capture.width ? ` (${capture.width}×${capture.height})` : ''}` : 'no'}
            </dd>
          </div>
          <div className="detail">
            <dt>Last upload</dt>
            <dd data-testid="capture-last-upload">
              {capture.lastUploadAt === null
                ? '—'
                : `${formatClock(capture.lastUploadAt)}, ${Math.max(0, Math.round((now - capture.lastUploadAt) / 1000))} s ago`}
            </dd>
          </div>
          <div className="detail">
            <dt>Uploaded</dt>
            <dd className="timer" data-testid="capture-uploaded">
              {capture.uploaded}
            </dd>
          </div>
          <div className="detail">
            <dt>Waiting for network</dt>
            <dd className="timer" data-testid="capture-queued">
              {capture.queued}
              {capture.offline && <span className="detail-note"> (no connection, retrying)</span>}
            </dd>
          </div>
          <div className="detail">
            <dt>Dropped (network down too long)</dt>
            <dd className="timer" data-testid="capture-dropped">
              {capture.dropped}
            </dd>
          </div>
          <div className="detail">
            <dt>Refused by the server</dt>
            <dd data-testid="capture-rejected">
              <span className="timer">{capture.rejected}</span>
              {capture.lastRejection && <span className="detail-note"> last: {capture.lastRejection}</span>}
            </dd>
          </div>
        </dl>
      </section>
    </div>
  );
}
