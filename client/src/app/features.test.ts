import { can, PERMISSION_NAMES, ROLES, type Role } from '@earshot/shared';
import { describe, expect, it } from 'vitest';
import {
  ADMIN_AREA_PATH,
  adminFeaturesFor,
  afterSignInPath,
  canUse,
  FEATURES,
  featureForPath,
  landingPath,
  navFor,
} from './features.js';

const navLabels = (role: Role) => navFor(role).map((item) => item.label);

describe('feature map', () => {
  it('names only permissions the shared table knows, and each feature once', () => {
    for (const f of FEATURES) expect(PERMISSION_NAMES).toContain(f.permission);
    expect(new Set(FEATURES.map((f) => f.id)).size).toBe(FEATURES.length);
    expect(new Set(FEATURES.map((f) => f.path)).size).toBe(FEATURES.length);
  });

  it('agrees with the permission table for every role and feature', () => {
    for (const role of ROLES) {
      for (const f of FEATURES) {
        const keptOut = 'exceptWith' in f && can(role, f.exceptWith);
        expect(canUse(role, f.id)).toBe(can(role, f.permission) && !keptOut);
      }
    }
  });

  it('keeps trainers out of the recordings list, which the server refuses them (they use their coaching queue)', () => {
    expect(can('trainer', 'recordings:play')).toBe(true);
    expect(canUse('trainer', 'recordings')).toBe(false);
    expect(canUse('controller', 'recordings')).toBe(true);
    expect(canUse('supervisor', 'recordings')).toBe(false);
    expect(afterSignInPath('trainer', '/recordings?line=0890')).toBe('/coaching');
    expect(afterSignInPath('controller', '/recordings?line=0890')).toBe('/recordings?line=0890');
  });

  it('lands each role where the product brief says', () => {
    expect(landingPath('admin')).toBe('/admin/users');
    expect(landingPath('controller')).toBe('/wallboard');
    expect(landingPath('supervisor')).toBe('/wallboard');
    expect(landingPath('trainer')).toBe('/coaching');
    expect(landingPath('agent')).toBe('/agent');
  });

  it('lands every role on a page it may open', () => {
    for (const role of ROLES) {
      const home = landingPath(role);
      expect(home).not.toBeNull();
      const owner = featureForPath(home ?? '');
      expect(owner && canUse(role, owner.id)).toBe(true);
    }
  });

  it('builds each role its own menu', () => {
    expect(navLabels('admin')).toEqual(['Wallboard', 'Search', 'Evaluations', 'Admin']);
    expect(navLabels('controller')).toEqual(['Wallboard', 'Search', 'Recordings', 'Evaluations']);
    expect(navLabels('supervisor')).toEqual(['Wallboard', 'Search', 'Evaluations']);
    expect(navLabels('trainer')).toEqual(['Coaching queue']);
    expect(navLabels('agent')).toEqual(['Agent']);
  });

  it('gives the Admin area to admins only, all five pages', () => {
    expect(adminFeaturesFor('admin').map((f) => f.label)).toEqual([
      'Users',
      'Ingest keys',
      'Audit log',
      'Settings',
      'Scorecards',
    ]);
    for (const role of ROLES.filter((r) => r !== 'admin')) {
      expect(adminFeaturesFor(role)).toEqual([]);
      expect(navFor(role).some((item) => item.path === ADMIN_AREA_PATH)).toBe(false);
    }
  });

  it('finds the feature a path belongs to', () => {
    expect(featureForPath('/calls/abc-1')?.id).toBe('call');
    expect(featureForPath('/admin/audit')?.id).toBe('adminAudit');
    expect(featureForPath('/wallboard')?.id).toBe('wallboard');
    expect(featureForPath('/recordings')?.id).toBe('recordings');
    expect(featureForPath('/')).toBeNull();
    expect(featureForPath('/admin')).toBeNull();
    expect(featureForPath('/nowhere')).toBeNull();
  });
});

describe('afterSignInPath', () => {
  it('goes back where the user was going when the role may open it', () => {
    expect(afterSignInPath('controller', '/calls/abc?x=1')).toBe('/calls/abc?x=1');
    expect(afterSignInPath('admin', '/admin/audit?user=demo.agent')).toBe('/admin/audit?user=demo.agent');
    expect(afterSignInPath('admin', '/admin')).toBe('/admin');
  });

  it('goes to the landing page without a target or when the role may not open it', () => {
    expect(afterSignInPath('admin', null)).toBe('/admin/users');
    expect(afterSignInPath('trainer', '/')).toBe('/coaching');
    expect(afterSignInPath('agent', '/admin/users')).toBe('/agent');
    expect(afterSignInPath('agent', '/admin')).toBe('/agent');
    expect(afterSignInPath('trainer', '/wallboard?state=queued')).toBe('/coaching');
  });

  it('leaves unknown paths to the not-found page', () => {
    expect(afterSignInPath('controller', '/no/such/page')).toBe('/no/such/page');
  });
});
