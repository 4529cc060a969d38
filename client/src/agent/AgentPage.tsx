import { ROLE_LABELS } from '@earshot/shared';
import { useSession } from '../auth/session.js';

/**
 * The agent's own page: who they are, and honestly that screen capture is not set up yet. Nothing here
 * captures anything.
 */
export function AgentPage() {
  const { user } = useSession();
  return (
    <div className="content-page" data-testid="agent-page">
      <title>Agent · Earshot</title>
      <header className="page-header">
        <h1>{user.displayName}</h1>
        <p className="page-lead">Your own page in Earshot.</p>
      </header>
      <section className="panel" aria-labelledby="agent-who">
        <h2 id="agent-who" className="panel-title">
          Who you are
        </h2>
        <dl className="details" data-testid="agent-details">
          <div className="detail">
            <dt>Name</dt>
            <dd>{user.displayName}</dd>
          </div>
          <div className="detail">
            <dt>Username</dt>
            <dd>{user.username}</dd>
          </div>
          <div className="detail">
            <dt>Role</dt>
            <dd>{ROLE_LABELS[user.role]}</dd>
          </div>
          <div className="detail">
            <dt>Agent id</dt>
            <dd data-testid="agent-id">
              {user.agentId ?? 'not set: ask an admin to link your account to your agent id'}
            </dd>
          </div>
        </dl>
      </section>
      <section className="panel placeholder-panel" data-testid="agent-capture-note">
        <h2>Screen capture</h2>
        <p>
          In a later version of Earshot, this page sets up the capture of your screen during calls, so the quality team
          can see what you saw when they review a call. It will ask for your permission first.
        </p>
        <p className="muted">It is not set up in this version: nothing on your screen is being captured.</p>
      </section>
    </div>
  );
}
