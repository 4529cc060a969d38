import { Link } from 'react-router-dom';

export function NotFoundPage() {
  return (
    <section className="empty-state" data-testid="page-not-found">
      <title>Not found · Earshot</title>
      <h1>Nothing here</h1>
      <p>This address is not a page of Earshot.</p>
      <Link to="/">Back to your start page</Link>
    </section>
  );
}
