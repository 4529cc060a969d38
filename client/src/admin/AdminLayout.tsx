import { NavLink, Outlet } from 'react-router-dom';
import { ForbiddenPage } from '../app/ForbiddenPage.js';
import { adminFeaturesFor } from '../app/features.js';
import { useSession } from '../auth/session.js';

/** The Admin area: its own menu of the admin pages this role may open, then the page. */
export function AdminLayout() {
  const { user } = useSession();
  const pages = adminFeaturesFor(user.role);
  if (pages.length === 0) return <ForbiddenPage what="The Admin area" />;
  return (
    <div className="admin" data-testid="admin-area">
      <nav className="admin-nav" aria-label="Admin" data-testid="admin-nav">
        <p className="admin-nav-title">Admin</p>
        {pages.map((page) => (
          <NavLink key={page.id} to={page.path} data-testid={`admin-nav-${page.id}`}>
            {page.label}
          </NavLink>
        ))}
      </nav>
      <div className="admin-content">
        <Outlet />
      </div>
    </div>
  );
}
