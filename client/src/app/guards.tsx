import { Navigate, Outlet } from 'react-router-dom';
import { useSession } from '../auth/session.js';
import { ForbiddenPage } from './ForbiddenPage.js';
import { adminFeaturesFor, canUse, type FeatureId, feature, landingPath } from './features.js';

/** Renders the feature's pages only for roles the permission table lets use it; others see "not allowed". */
export function RequireFeature({ id }: { id: FeatureId }) {
  const { user } = useSession();
  if (!canUse(user.role, id)) return <ForbiddenPage what={`The ${feature(id).label.toLowerCase()} page`} />;
  return <Outlet />;
}

/** `/`: each role's own start page. */
export function LandingRedirect() {
  const { user } = useSession();
  const home = landingPath(user.role);
  if (home === null) return <ForbiddenPage what="Every page of Earshot" />;
  return <Navigate to={home} replace />;
}

/** `/admin`: the first admin page this role may open. */
export function AdminIndexRedirect() {
  const { user } = useSession();
  const first = adminFeaturesFor(user.role)[0];
  if (!first) return <ForbiddenPage what="The Admin area" />;
  return <Navigate to={first.path} replace />;
}
