import { useSession } from '../auth/session.js';

/**
 * The trainer's queue. Assignments come from evaluations, which this version of Earshot does not have yet,
 * so the page says that instead of showing made-up work.
 */
export function CoachingPage() {
  const { user } = useSession();
  return (
    <div className="content-page" data-testid="coaching-page">
      <title>Coaching queue · Earshot</title>
      <header className="page-header">
        <h1>Coaching queue</h1>
        <p className="page-lead">Signed in as {user.displayName}.</p>
      </header>
      <section className="panel placeholder-panel" data-testid="coaching-empty">
        <h2>No coaching assignments yet</h2>
        <p>
          When a quality controller evaluates a call and hands a moment to a trainer, the assignment appears here: the
          agent, the call, the flagged moment and the weak link the controller found.
        </p>
        <p className="muted">
          Evaluations are not part of this version of Earshot yet, so nothing can be assigned to you so far.
        </p>
      </section>
    </div>
  );
}
