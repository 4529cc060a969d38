import { useRouteError } from 'react-router-dom';

/** What a page shows when its code throws: say so plainly and offer the way back. */
export function ErrorPage() {
  const error = useRouteError();
  const message = error instanceof Error ? error.message : String(error);
  return (
    <section className="empty-state full-page" data-testid="page-error" role="alert">
      <h1>Something went wrong on this page</h1>
      <p>{message}</p>
      <p>
        <a href="/">Reload Earshot</a>
      </p>
    </section>
  );
}
