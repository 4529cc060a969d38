import { NavLink, Outlet } from 'react-router-dom';
import { useServerNow } from '../lib/serverClock.js';
import { formatClock } from '../lib/time.js';
import { useConnectionStatus } from '../socket/useConnectionStatus.js';

const STATUS_LABELS = { connecting: 'Connecting…', connected: 'Live', reconnecting: 'Reconnecting…' } as const;

export function Layout() {
  return (
    <div className="app">
      <header className="topbar">
        <NavLink to="/" className="brand" aria-label="Earshot, live wallboard">
          <span className="brand-mark" aria-hidden="true" />
          Earshot
        </NavLink>
        <nav className="topnav" aria-label="Main">
          <NavLink to="/" end>
            Wallboard
          </NavLink>
        </nav>
        <div className="topbar-end">
          <ConnectionIndicator />
          <WallClock />
        </div>
      </header>
      <main className="page">
        <Outlet />
      </main>
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
