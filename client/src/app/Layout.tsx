import { ROLE_LABELS } from '@earshot/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { NavLink, Outlet } from 'react-router-dom';
import { signOut, useSession } from '../auth/session.js';
import { useServerNow } from '../lib/serverClock.js';
import { formatClock } from '../lib/time.js';
import { useConnectionStatus } from '../socket/useConnectionStatus.js';
import { canUse, landingPath, navFor } from './features.js';

const STATUS_LABELS = { connecting: 'Connecting…', connected: 'Live', reconnecting: 'Reconnecting…' } as const;

export function Layout() {
  const { user } = useSession();
  const nav = navFor(user.role);
  // The live indicator matters only to those watching live calls.
  const watchesLiveCalls = canUse(user.role, 'wallboard') || canUse(user.role, 'call');

  return (
    <div className="app">
      <header className="topbar">
        <NavLink to={landingPath(user.role) ?? '/'} className="brand" aria-label="Earshot, your start page">
          <span className="brand-mark" aria-hidden="true" />
          Earshot
        </NavLink>
        <nav className="topnav" aria-label="Main" data-testid="main-nav">
          {nav.map((item) => (
            <NavLink key={item.path} to={item.path} end={item.end} data-testid={`nav-${item.label}`}>
              {item.label}
            </NavLink>
          ))}
        </nav>
        <div className="topbar-end">
          {watchesLiveCalls && <ConnectionIndicator />}
          <WallClock />
          <UserMenu />
        </div>
      </header>
      <main className="page">
        <Outlet />
      </main>
    </div>
  );
}

function UserMenu() {
  const { user } = useSession();
  const queryClient = useQueryClient();
  const leave = useMutation({ mutationFn: () => signOut(queryClient) });
  return (
    <div className="user-box" data-testid="user-box">
      <div className="user-who">
        <span className="user-name" data-testid="user-name">
          {user.displayName}
        </span>
        <span className="user-role" data-testid="user-role" data-role={user.role}>
          {ROLE_LABELS[user.role]}
        </span>
      </div>
      <button
        type="button"
        className="button button-quiet"
        onClick={() => leave.mutate()}
        disabled={leave.isPending}
        data-testid="sign-out"
      >
        {leave.isPending ? 'Signing out…' : 'Sign out'}
      </button>
    </div>
  );
}

function ConnectionIndicator() {
  const status = useConnectionStatus();
  return (
    <output className="connection" data-testid="connection-status" data-status={status} aria-live="polite">
      <span className="connection-dot" aria-hidden="true" />
      {STATUS_LABELS[status]}
    </output>
  );
}

function WallClock() {
  const now = useServerNow();
  return (
    <time className="wall-clock" dateTime={new Date(now).toISOString()}>
      {formatClock(now)}
    </time>
  );
}
