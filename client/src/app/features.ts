import { can, type Permission, type Role } from '@earshot/shared';
import { matchPath } from 'react-router-dom';

/**
 * The one place that says which screen needs which permission. Menus, routes and landing pages are all
 * derived from this list. It only hides what a role may not use; the server judges every request itself.
 */
export const FEATURES = [
  { id: 'adminUsers', label: 'Users', path: '/admin/users', permission: 'users:manage', area: 'admin' },
  {
    id: 'adminIngestKeys',
    label: 'Ingest keys',
    path: '/admin/ingest-keys',
    permission: 'ingest_keys:manage',
    area: 'admin',
  },
  { id: 'adminAudit', label: 'Audit log', path: '/admin/audit', permission: 'audit:view', area: 'admin' },
  { id: 'adminSettings', label: 'Settings', path: '/admin/settings', permission: 'settings:manage', area: 'admin' },
  {
    id: 'adminScorecards',
    label: 'Scorecards',
    path: '/admin/scorecards',
    permission: 'settings:manage',
    area: 'admin',
  },
  { id: 'wallboard', label: 'Wallboard', path: '/wallboard', permission: 'wallboard:view', area: 'main' },
  { id: 'search', label: 'Search', path: '/search', permission: 'calls:view', area: 'main' },
  {
    id: 'recordings',
    label: 'Recordings',
    path: '/recordings',
    permission: 'recordings:play',
    area: 'main',
    // Trainers play recordings only of the calls they coach, reached through their queue; the list is refused them.
    exceptWith: 'coaching:view_own',
  },
  { id: 'call', label: 'Call', path: '/calls/:callId', permission: 'calls:view', area: 'hidden' },
  { id: 'review', label: 'Review', path: '/calls/:callId/review', permission: 'recordings:play', area: 'hidden' },
  {
    id: 'evaluations',
    label: 'Evaluations',
    path: '/evaluations',
    permission: 'evaluations:view',
    area: 'main',
    // Trainers read the evaluations behind their coaching items from the queue, not the whole list.
    exceptWith: 'coaching:view_own',
  },
  { id: 'coaching', label: 'Coaching queue', path: '/coaching', permission: 'coaching:view_own', area: 'main' },
  { id: 'agent', label: 'Agent', path: '/agent', permission: 'screens:upload', area: 'main' },
] as const satisfies readonly {
  id: string;
  label: string;
  path: string;
  permission: Permission;
  /** Roles that also hold this permission may not use the feature (the server refuses them its data). */
  exceptWith?: Permission;
  /** `main`: a top-bar item; `admin`: an item of the Admin area; `hidden`: reached by links only. */
  area: 'main' | 'admin' | 'hidden';
}[];

export type Feature = (typeof FEATURES)[number];
export type FeatureId = Feature['id'];

export const ADMIN_AREA_PATH = '/admin';

/**
 * Where each role starts, first allowed wins: an admin's work is the Admin area, controllers and
 * supervisors watch the wallboard, trainers their coaching queue, agents their own page.
 */
const LANDING_ORDER: readonly FeatureId[] = [
  'adminUsers',
  'adminIngestKeys',
  'adminAudit',
  'adminSettings',
  'wallboard',
  'coaching',
  'agent',
];

export function feature(id: FeatureId): Feature {
  const found = FEATURES.find((f) => f.id === id);
  if (!found) throw new Error(`unknown feature ${id}`);
  return found;
}

/** Whether a role may use a feature: its permission, and not the permission that keeps it out. */
export function allows(role: Role, f: Feature): boolean {
  return can(role, f.permission) && !('exceptWith' in f && can(role, f.exceptWith));
}

export function canUse(role: Role, id: FeatureId): boolean {
  return allows(role, feature(id));
}

/** The Admin area's pages this role may open, in menu order. */
export function adminFeaturesFor(role: Role): Feature[] {
  return FEATURES.filter((f) => f.area === 'admin' && allows(role, f));
}

export interface NavItem {
  label: string;
  path: string;
  /** Active only on exactly this path (not on the pages below it). */
  end: boolean;
}

/** The top bar's items for a role: its main pages, then "Admin" when any admin page is open to it. */
export function navFor(role: Role): NavItem[] {
  const items: NavItem[] = FEATURES.filter((f) => f.area === 'main' && allows(role, f)).map((f) => ({
    label: f.label,
    path: f.path,
    end: true,
  }));
  if (adminFeaturesFor(role).length > 0) items.push({ label: 'Admin', path: ADMIN_AREA_PATH, end: false });
  return items;
}

/** The page a role lands on after signing in (or at `/`); null if the role may use nothing at all. */
export function landingPath(role: Role): string | null {
  for (const id of LANDING_ORDER) if (canUse(role, id)) return feature(id).path;
  return null;
}

/** The feature a path belongs to, or null for paths no feature owns (`/`, `/admin`, unknown). */
export function featureForPath(pathname: string): Feature | null {
  return FEATURES.find((f) => matchPath({ path: f.path, end: true }, pathname) !== null) ?? null;
}

/**
 * Where to send a role that just signed in and was heading for `next`: there, when the role may open it,
 * otherwise its own landing page (someone else's bookmark should not greet them with "not allowed").
 */
export function afterSignInPath(role: Role, next: string | null): string {
  const home = landingPath(role) ?? '/';
  if (next === null || next === '/') return home;
  const pathname = next.split(/[?#]/)[0] ?? next;
  if (pathname === ADMIN_AREA_PATH) return adminFeaturesFor(role).length > 0 ? next : home;
  const owner = featureForPath(pathname);
  if (owner && !allows(role, owner)) return home;
  return next;
}
