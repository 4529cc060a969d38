import { ROLE_LABELS } from '@earshot/shared';
import { Link } from 'react-router-dom';
import { useSession } from '../auth/session.js';
import { landingPath } from './features.js';

/** A page the signed-in role may not open: say so plainly and offer the way to their own start page. */
export function ForbiddenPage({ what }: { what: string }) {
  const { user } = useSession();
  const home = landingPath(user.role);
  return (
    <section className="empty-state" data-testid="page-forbidden" role="alert">
      <title>Not allowed · Earshot</title>
      <h1>Not allowed</h1>
      <p>
        {what} is not open to the {ROLE_LABELS[user.role].toLowerCase()} role. If you need it, ask an admin.
      </p>
      {home && <Link to={home}>Go to your start page</Link>}
    </section>
  );
}
