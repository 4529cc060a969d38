import { describe, expect, it } from 'vitest';
import { safeRedirectTarget, signInPath } from './redirect.js';

describe('safeRedirectTarget', () => {
  it('keeps paths on this site, with their query and fragment', () => {
    expect(safeRedirectTarget('/wallboard')).toBe('/wallboard');
    expect(safeRedirectTarget('/calls/abc-1?tab=history#events')).toBe('/calls/abc-1?tab=history#events');
    expect(safeRedirectTarget('/admin/audit?user=demo.admin&action=auth.sign_in')).toBe(
      '/admin/audit?user=demo.admin&action=auth.sign_in',
    );
    expect(safeRedirectTarget('/')).toBe('/');
  });

  it.each([
    ['protocol-relative', '//evil.example/wallboard'],
    ['protocol-relative with more slashes', '///evil.example'],
    ['backslash that browsers read as a slash', '/\\evil.example'],
    ['backslash first', '\\\\evil.example'],
    ['absolute https', 'https://evil.example/'],
    ['absolute http to this very host', 'http://localhost:8080/wallboard'],
    ['javascript', 'javascript:alert(1)'],
    ['data', 'data:text/html,<script>alert(1)</script>'],
    ['relative without a slash', 'wallboard'],
    ['tab that browsers strip', '/\t/evil.example'],
    ['newline that browsers strip', '/\n/evil.example'],
    ['leading space', ' /wallboard'],
    ['empty', ''],
  ])('refuses %s', (_what, raw) => {
    expect(safeRedirectTarget(raw)).toBeNull();
  });

  it('refuses nothing at all and absurd lengths', () => {
    expect(safeRedirectTarget(null)).toBeNull();
    expect(safeRedirectTarget(undefined)).toBeNull();
    expect(safeRedirectTarget(`/${'a'.repeat(3_000)}`)).toBeNull();
  });

  it('refuses the sign-in page itself, so signing in never loops', () => {
    expect(safeRedirectTarget('/sign-in')).toBeNull();
    expect(safeRedirectTarget('/sign-in?next=/wallboard')).toBeNull();
  });

  it('normalises dot segments, and they cannot climb off the site', () => {
    expect(safeRedirectTarget('/admin/../wallboard')).toBe('/wallboard');
    expect(safeRedirectTarget('/../../etc/passwd')).toBe('/etc/passwd');
  });
});

describe('signInPath', () => {
  it('remembers where the user was going', () => {
    expect(signInPath('/calls/x?y=1')).toBe('/sign-in?next=%2Fcalls%2Fx%3Fy%3D1');
  });

  it('leaves out the start page and anything unsafe', () => {
    expect(signInPath('/')).toBe('/sign-in');
    expect(signInPath('//evil.example')).toBe('/sign-in');
    expect(signInPath(null)).toBe('/sign-in');
  });
});
