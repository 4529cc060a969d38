import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { createBrowserRouter, type RouteObject, RouterProvider } from 'react-router-dom';
import { RequireSession } from '../auth/RequireSession.js';
import { SessionSync } from '../auth/SessionSync.js';
import { SignInPage } from '../auth/SignInPage.js';
import { HttpError } from '../lib/http.js';
import { ErrorPage } from './ErrorPage.js';
import type { FeatureId } from './features.js';
import { AdminIndexRedirect, LandingRedirect, RequireFeature } from './guards.js';
import { Layout } from './Layout.js';
import { NotFoundPage } from './NotFoundPage.js';

/** A feature's route: the permission gate, then the page's own chunk (loaded on first visit). */
function featureRoute(path: string, id: FeatureId, lazy: NonNullable<RouteObject['lazy']>): RouteObject {
  return { path, element: <RequireFeature id={id} />, children: [{ index: true, lazy }] };
}

const router = createBrowserRouter([
  { path: '/sign-in', element: <SignInPage />, errorElement: <ErrorPage /> },
  {
    element: <RequireSession />,
    errorElement: <ErrorPage />,
    // Shown while the first page's code loads.
    hydrateFallbackElement: <p className="empty-state full-page">Loading…</p>,
    children: [
      {
        element: <Layout />,
        errorElement: <ErrorPage />,
        children: [
          { index: true, element: <LandingRedirect /> },
          featureRoute('wallboard', 'wallboard', async () => ({
            Component: (await import('../wallboard/WallboardPage.js')).WallboardPage,
          })),
          featureRoute('search', 'search', async () => ({
            Component: (await import('../search/SearchPage.js')).SearchPage,
          })),
          featureRoute('recordings', 'recordings', async () => ({
            Component: (await import('../recordings/RecordingsPage.js')).RecordingsPage,
          })),
          featureRoute('calls/:callId', 'call', async () => ({
            Component: (await import('../call/CallPage.js')).CallPage,
          })),
          featureRoute('calls/:callId/review', 'review', async () => ({
            Component: (await import('../review/ReviewPage.js')).ReviewPage,
          })),
          featureRoute('evaluations', 'evaluations', async () => ({
            Component: (await import('../evaluations/EvaluationsPage.js')).EvaluationsPage,
          })),
          featureRoute('coaching', 'coaching', async () => ({
            Component: (await import('../coaching/CoachingPage.js')).CoachingPage,
          })),
          featureRoute('agent', 'agent', async () => ({
            Component: (await import('../agent/AgentPage.js')).AgentPage,
          })),
          {
            path: 'admin',
            lazy: async () => ({ Component: (await import('../admin/AdminLayout.js')).AdminLayout }),
            children: [
              { index: true, element: <AdminIndexRedirect /> },
              featureRoute('users', 'adminUsers', async () => ({
                Component: (await import('../admin/UsersPage.js')).UsersPage,
              })),
              featureRoute('ingest-keys', 'adminIngestKeys', async () => ({
                Component: (await import('../admin/IngestKeysPage.js')).IngestKeysPage,
              })),
              featureRoute('audit', 'adminAudit', async () => ({
                Component: (await import('../admin/AuditPage.js')).AuditPage,
              })),
              featureRoute('settings', 'adminSettings', async () => ({
                Component: (await import('../admin/SettingsPage.js')).SettingsPage,
              })),
              featureRoute('scorecards', 'adminScorecards', async () => ({
                Component: (await import('../admin/ScorecardsPage.js')).ScorecardsPage,
              })),
            ],
          },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);

export function App() {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: {
            // A refusal (4xx) will not change by asking again; a failure of the server or network might.
            retry: (failures, error) => failures < 1 && !(error instanceof HttpError && error.status < 500),
            refetchOnWindowFocus: false,
          },
        },
      }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <SessionSync />
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
