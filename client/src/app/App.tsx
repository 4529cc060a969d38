import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { createBrowserRouter, RouterProvider } from 'react-router-dom';
import { ErrorPage } from './ErrorPage.js';
import { Layout } from './Layout.js';
import { NotFoundPage } from './NotFoundPage.js';

const router = createBrowserRouter([
  {
    element: <Layout />,
    // Shown while the first page's code loads.
    hydrateFallbackElement: <p className="empty-state">Loading…</p>,
    errorElement: <ErrorPage />,
    children: [
      // Each page is its own chunk: the wallboard brings the charts, the call page does not need them.
      { index: true, lazy: async () => ({ Component: (await import('../wallboard/WallboardPage.js')).WallboardPage }) },
      { path: 'calls/:callId', lazy: async () => ({ Component: (await import('../call/CallPage.js')).CallPage }) },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);

export function App() {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } },
      }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
