import { Link } from 'react-router-dom';

export function NotFoundPage() {
  return (
    <section className="empty-state" data-testid="page-not-found">
      <h1>Nothing here</h1>
      <p>This address is not a page of Earshot.</p>
      <Link to="/">Back to the wallboard</Link>
    </section>
  );
}
