import { ROLE_LABELS, ROLES, type Role } from '@earshot/shared';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRequest, postEvents, signIn } from '../helpers/clients.js';
import { EventFactory } from '../helpers/events.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';
import { launchChromium, saveScreenshot } from './chromium.js';
import { pathOf, signInAs, submitSignIn } from './signIn.js';

/** What each role should find after signing in, and pages it must be told it may not open. */
const EXPECTED: Record<Role, { landing: string; page: string; nav: string[]; forbidden: string[] }> = {
  admin: {
    landing: '/admin/users',
    page: 'users-page',
    nav: ['Wallboard', 'Search', 'Evaluations', 'Admin'],
    forbidden: ['/coaching', '/agent'],
  },
  controller: {
    landing: '/wallboard',
    page: 'wallboard',
    nav: ['Wallboard', 'Search', 'Recordings', 'Evaluations'],
    forbidden: ['/admin/users', '/coaching'],
  },
  supervisor: {
    landing: '/wallboard',
    page: 'wallboard',
    nav: ['Wallboard', 'Search', 'Evaluations'],
    forbidden: ['/admin/audit', '/agent'],
  },
  trainer: {
    landing: '/coaching',
    page: 'coaching-page',
    nav: ['Coaching queue'],
    forbidden: ['/wallboard', '/admin/settings', '/calls/some-call', '/search', '/recordings', '/evaluations'],
  },
  agent: {
    landing: '/agent',
    page: 'agent-page',
    nav: ['Agent'],
    forbidden: ['/wallboard', '/admin', '/calls/some-call', '/search'],
  },
};

const XSS_NAME = '<img src=x onerror="window.__xss=1">';

describe('access control in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const events = new EventFactory('access');

  /** A fresh browser profile (its own cookies), as a different person at a different desk. */
  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    contexts.push(context);
    return context.newPage();
  }

  const navLabels = (page: Page) =>
    page
      .getByTestId('main-nav')
      .locator('a')
      .evaluateAll((links) => links.map((a) => a.textContent ?? ''));

  beforeAll(async () => {
    server = await startTestServer({ store: 'sqlite' });
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await server?.close();
  });

  it('sends a visitor to sign in, then back to where they were going', async () => {
    const page = await newPage();
    await page.goto(`${server.url}/admin/audit?action=auth.sign_in`);
    await page.getByTestId('sign-in-page').waitFor();
    expect(pathOf(page)).toBe(`/sign-in?next=${encodeURIComponent('/admin/audit?action=auth.sign_in')}`);
    // Nothing of the app shows before signing in.
    expect(await page.getByTestId('main-nav').count()).toBe(0);
    await saveScreenshot(page, 'sign-in');

    await submitSignIn(page, server.users.admin.username, server.users.admin.password);
    await page.waitForURL('**/admin/audit?action=auth.sign_in');
    await page.getByTestId('audit-table').waitFor();
    expect(await page.getByTestId('audit-filter-action').inputValue()).toBe('auth.sign_in');
  });

  it('says plainly when the password is wrong, and how long to wait after too many tries', async () => {
    const page = await newPage();
    await page.goto(`${server.url}/sign-in`);
    await submitSignIn(page, server.users.trainer.username, 'not-the-password');
    await expect.poll(() => page.getByTestId('sign-in-error').textContent()).toBe('Wrong username or password.');
    expect(await page.getByTestId('sign-in-password').inputValue()).toBe('');
    await saveScreenshot(page, 'sign-in-wrong-password');

    // Five failures for one account within the window, and the server refuses it for a while (429 + Retry-After).
    for (let i = 0; i < 5; i++) {
      const failed = await apiRequest(`${server.url}/api/auth/sign-in`, {
        method: 'POST',
        body: { username: 'locked.out', password: `guess-${i}` },
      });
      expect(failed.status).toBe(401);
    }
    await submitSignIn(page, 'locked.out', 'one-more-guess');
    await expect
      .poll(() => page.getByTestId('sign-in-error').textContent())
      .toMatch(/^Too many failed sign-ins\. Try again in (1[0-5]|[1-9]) min\.$/);
    await saveScreenshot(page, 'sign-in-rate-limited');
  });

  it.each(ROLES)('lands the %s on its own page, with only the menus its role may use', async (role) => {
    const expected = EXPECTED[role];
    const page = await newPage();
    await signInAs(page, server, role);
    expect(pathOf(page)).toBe(expected.landing);
    await page.getByTestId(expected.page).waitFor();
    expect(await navLabels(page)).toEqual(expected.nav);
    expect(await page.getByTestId('user-role').textContent()).toBe(ROLE_LABELS[role]);
    expect((await page.getByTestId('user-name').textContent())?.trim()).not.toBe('');
    const adminPages = await page
      .getByTestId('admin-nav')
      .locator('a')
      .evaluateAll((links) => links.map((a) => a.textContent));
    expect(adminPages).toEqual(role === 'admin' ? ['Users', 'Ingest keys', 'Audit log', 'Settings', 'Scorecards'] : []);
    if (role === 'controller' || role === 'supervisor') {
      await expect.poll(() => page.getByTestId('connection-status').getAttribute('data-status')).toBe('connected');
    }
    await saveScreenshot(page, `landing-${role}`);

    // An address typed by hand that the role may not use says so, with the way back.
    for (const [index, path] of expected.forbidden.entries()) {
      await page.goto(`${server.url}${path}`);
      await page.getByTestId('page-forbidden').waitFor();
      expect(await page.getByTestId('page-forbidden').textContent()).toContain('Not allowed');
      expect(await navLabels(page)).toEqual(expected.nav);
      if (index === 0) await saveScreenshot(page, `forbidden-${role}`);
    }
    await page.getByTestId('page-forbidden').getByRole('link').click();
    await page.waitForURL(`**${expected.landing}`);

    await page.getByTestId('sign-out').click();
    await page.waitForURL((url) => url.pathname === '/sign-in');
    expect(pathOf(page)).toBe('/sign-in');
    expect(await page.getByTestId('sign-in-note').textContent()).toBe('You have signed out.');
  });

  it('shows no data after signing out, not even with the back button', async () => {
    const page = await newPage();
    await signInAs(page, server, 'admin');
    await page.locator('[data-testid="user-row"][data-username="demo.agent"]').waitFor();
    await page.getByTestId('admin-nav-adminAudit').click();
    await page.getByTestId('audit-table').waitFor();

    await page.getByTestId('sign-out').click();
    await page.waitForURL((url) => url.pathname === '/sign-in');
    await page.goBack();
    await page.getByTestId('sign-in-page').waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(await page.getByTestId('users-table').count()).toBe(0);
    expect(await page.getByTestId('audit-table').count()).toBe(0);
    expect(await page.locator('body').textContent()).not.toContain('demo.agent');
    // The server agrees: the cookie no longer opens anything.
    expect(await page.evaluate(() => fetch('/api/users').then((r) => r.status))).toBe(401);
    await saveScreenshot(page, 'signed-out-back-button');
  });

  it('sends a user to sign in when an admin disables them while they watch the wallboard', async () => {
    const admin = await signIn(server.url, 'admin');
    const password = 'temporary-controller-passphrase';
    const created = await apiRequest<{ id: string }>(`${server.url}/api/users`, {
      method: 'POST',
      session: admin,
      body: { username: 'temp.controller', displayName: 'Temp Controller', role: 'controller', password },
    });
    expect(created.status).toBe(201);

    const page = await newPage();
    await page.goto(`${server.url}/wallboard`);
    await submitSignIn(page, 'temp.controller', password);
    await page.waitForURL('**/wallboard');
    await expect.poll(() => page.getByTestId('connection-status').getAttribute('data-status')).toBe('connected');

    const disabled = await apiRequest(`${server.url}/api/users/${created.body.id}`, {
      method: 'PATCH',
      session: admin,
      body: { disabled: true },
    });
    expect(disabled.status).toBe(200);
    // The server closes the disabled user's socket; the page checks its session and finds it gone.
    await page.getByTestId('sign-in-page').waitFor({ timeout: 10_000 });
    expect(pathOf(page)).toBe(`/sign-in?next=${encodeURIComponent('/wallboard')}`);
    expect(await page.getByTestId('sign-in-note').textContent()).toBe(
      'Your session has ended. Sign in again to continue.',
    );
    expect(await page.getByTestId('wallboard').count()).toBe(0);
    await saveScreenshot(page, 'session-ended');
  });

  it('sends a user whose session cookie is gone to sign in on their next request, and back after', async () => {
    const page = await newPage();
    await signInAs(page, server, 'admin');
    await page.getByTestId('users-table').waitFor();
    await page.context().clearCookies();

    await page.getByTestId('admin-nav-adminIngestKeys').click();
    await page.getByTestId('sign-in-page').waitFor({ timeout: 10_000 });
    expect(pathOf(page)).toBe(`/sign-in?next=${encodeURIComponent('/admin/ingest-keys')}`);
    expect(await page.getByTestId('sign-in-note').textContent()).toMatch(/session has ended/);

    await submitSignIn(page, server.users.admin.username, server.users.admin.password);
    await page.waitForURL('**/admin/ingest-keys');
    await page.getByTestId('ingest-keys-page').waitFor();
  });

  it('renders markup in an agent name as text, on the wallboard and on the call page', async () => {
    const callId = 'access-xss-call';
    const now = Date.now();
    const posted = await postEvents(server.url, server.ingestKey, [
      events.offered(callId, now - 30_000, { callerNumber: '+375 29 123-45-67' }),
      events.answered(callId, now - 20_000, 'agent-xss', XSS_NAME),
    ]);
    expect(posted.status).toBe(200);

    const page = await newPage();
    await signInAs(page, server, 'controller');
    const tile = page.locator(`[data-testid="call-tile"][data-call-id="${callId}"]`);
    await tile.waitFor({ timeout: 10_000 });
    expect(await tile.locator('.tile-agent').textContent()).toBe(XSS_NAME);
    expect(await tile.locator('img').count()).toBe(0);

    await tile.click();
    await page.waitForURL(`**/calls/${callId}`);
    await page.getByTestId('call-details').waitFor();
    expect(await page.locator('.call-title h1').textContent()).toBe(XSS_NAME);
    expect(await page.getByTestId('call-page').locator('img').count()).toBe(0);
    // The controller may see caller numbers whole.
    expect(await page.getByTestId('call-details').textContent()).toContain('+375 29 123-45-67');
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined();
    await saveScreenshot(page, 'xss-name-as-text');

    // A supervisor sees the same call with the number masked as the server sent it, and no audio controls.
    const supervisor = await newPage();
    await signInAs(supervisor, server, 'supervisor', `/calls/${callId}`);
    await supervisor.getByTestId('call-details').waitFor();
    const details = await supervisor.getByTestId('call-details').textContent();
    expect(details).toContain('+375 29 ***-**-67');
    expect(details).not.toContain('123-45-67');
    expect(await supervisor.getByTestId('monitor-panel').textContent()).not.toMatch(/whisper|barge/i);
    expect(await supervisor.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined();
    await saveScreenshot(supervisor, 'call-page-supervisor');
  });

  it('lets an admin manage users, with names shown as text', async () => {
    const page = await newPage();
    await signInAs(page, server, 'admin');
    await page.getByTestId('users-table').waitFor();

    await page.getByTestId('user-new').click();
    await page.getByTestId('user-create-name').fill(XSS_NAME);
    await page.getByTestId('user-create-username').fill('Olga Test');
    await page.getByTestId('user-create-role').selectOption('trainer');
    await page.getByTestId('user-create-password').fill('short');
    await page.getByTestId('user-create-submit').click();
    // The form says what is wrong before anything is sent.
    expect(await page.getByTestId('user-create-form').textContent()).toContain('lowercase letters');
    expect(await page.getByTestId('user-create-form').textContent()).toContain('Password needs at least 12 characters');
    await saveScreenshot(page, 'admin-users-form-errors');

    await page.getByTestId('user-create-username').fill('olga.test');
    await page.getByTestId('user-create-password').fill('a-long-first-passphrase');
    await page.getByTestId('user-create-submit').click();
    await expect.poll(() => page.getByTestId('notice-ok').textContent()).toBe('Created olga.test (Trainer).');
    const row = page.locator('[data-testid="user-row"][data-username="olga.test"]');
    await row.waitFor();
    expect(await row.locator('td').first().textContent()).toBe(XSS_NAME);
    expect(await row.locator('img').count()).toBe(0);

    await row.getByTestId('user-role-select').selectOption('controller');
    await expect
      .poll(() => page.getByTestId('notice-ok').textContent())
      .toMatch(/olga\.test is now quality controller/);
    expect(await row.getByTestId('user-role-select').inputValue()).toBe('controller');

    await row.getByTestId('user-reset-password').click();
    await page.getByTestId('user-reset-input').fill('another-long-passphrase');
    await page.getByTestId('user-reset-row').getByRole('button', { name: 'Set password' }).click();
    await expect.poll(() => page.getByTestId('notice-ok').textContent()).toMatch(/New password set for olga\.test/);
    // The new password works.
    expect((await signIn(server.url, { username: 'olga.test', password: 'another-long-passphrase' })).user.role).toBe(
      'controller',
    );

    await row.getByTestId('user-disable').click();
    await expect.poll(() => row.getByTestId('user-status').textContent()).toBe('Disabled');
    await saveScreenshot(page, 'admin-users');
    await row.getByTestId('user-enable').click();
    await expect.poll(() => row.getByTestId('user-status').textContent()).toBe('Active');

    // The admin's own row offers neither a role change nor disabling.
    const own = page.locator('[data-testid="user-row"][data-username="demo.admin"]');
    expect(await own.getByTestId('user-role-select').isDisabled()).toBe(true);
    expect(await own.getByTestId('user-disable').isDisabled()).toBe(true);
  });

  it('lets an admin create an ingest key, shown once, that works until revoked', async () => {
    const page = await newPage();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await signInAs(page, server, 'admin', '/admin/ingest-keys');
    await page.getByTestId('ingest-keys-page').waitFor();

    await page.getByTestId('ingest-key-name').fill('Asterisk adapter');
    await page.getByTestId('ingest-key-create').click();
    const secretLocator = page.getByTestId('ingest-key-secret');
    await secretLocator.waitFor();
    const secret = (await secretLocator.textContent()) ?? '';
    expect(secret.length).toBeGreaterThan(20);
    await page.getByTestId('ingest-key-copy').click();
    await expect.poll(() => page.getByTestId('ingest-key-copy').textContent()).toBe('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    const row = page.locator('[data-testid="ingest-key-row"][data-key-name="Asterisk adapter"]');
    await row.waitFor();
    expect(secret.startsWith((await row.locator('code').textContent())?.replace('…', '') ?? '?')).toBe(true);
    await saveScreenshot(page, 'admin-ingest-key-created');

    const now = Date.now();
    const accepted = await postEvents(server.url, secret, [events.offered('access-key-call', now)]);
    expect(accepted.status).toBe(200);

    await page.getByTestId('ingest-key-done').click();
    expect(await page.getByTestId('ingest-key-secret').count()).toBe(0);
    expect(await page.locator('body').textContent()).not.toContain(secret);

    await row.getByTestId('ingest-key-revoke').click();
    await row.getByTestId('ingest-key-revoke-confirm').click();
    await expect.poll(() => row.getByTestId('ingest-key-status').textContent()).toMatch(/^Revoked/);
    const refused = await postEvents(server.url, secret, [events.ended('access-key-call', now + 1_000)]);
    expect(refused.status).toBe(401);
    await saveScreenshot(page, 'admin-ingest-keys');
  });

  it('lets an admin change the thresholds, which recolour an open wallboard at once', async () => {
    // A call talking for 90 s: normal under the default 8-minute amber threshold.
    const callId = 'access-threshold-call';
    const now = Date.now();
    await postEvents(server.url, server.ingestKey, [
      events.offered(callId, now - 100_000),
      events.answered(callId, now - 90_000, 'agent-77', 'Ирина Пороговая'),
    ]);
    const controller = await newPage();
    await signInAs(controller, server, 'controller');
    const tile = controller.locator(`[data-testid="call-tile"][data-call-id="${callId}"]`);
    await tile.waitFor({ timeout: 10_000 });
    expect(await tile.getAttribute('data-severity')).toBe('normal');

    const page = await newPage();
    await signInAs(page, server, 'admin', '/admin/settings');
    await page.getByTestId('settings-form').waitFor();
    expect(await page.getByTestId('settings-amber').inputValue()).toBe('8');
    await page.getByTestId('settings-amber').fill('3');
    await page.getByTestId('settings-red').fill('2');
    await page.getByTestId('settings-save').click();
    await expect
      .poll(() => page.getByTestId('settings-form').textContent())
      .toContain('Red must come later than amber');

    await page.getByTestId('settings-amber').fill('1');
    await page.getByTestId('settings-red').fill('20');
    await page.getByTestId('settings-retention').fill('30');
    expect(await page.getByTestId('settings-dead-air').inputValue()).toBe('10');
    await page.getByTestId('settings-dead-air').fill('2');
    await page.getByTestId('settings-save').click();
    await expect
      .poll(() => page.getByTestId('settings-form').textContent())
      .toContain('Dead air: a number of seconds from 3 to 120');
    await page.getByTestId('settings-dead-air').fill('25');
    await page.getByTestId('settings-save').click();
    await expect
      .poll(() => page.getByTestId('notice-ok').textContent())
      .toMatch(/^Saved: amber from 1 min, red from 20 min, dead air from 25 s/);
    await saveScreenshot(page, 'admin-settings');

    await expect.poll(() => tile.getAttribute('data-severity'), { timeout: 5_000 }).toBe('amber');
    await page.reload();
    await page.getByTestId('settings-form').waitFor();
    expect(await page.getByTestId('settings-retention').inputValue()).toBe('30');
    expect(await page.getByTestId('settings-dead-air').inputValue()).toBe('25');
  });

  it('shows the audit log with filters, older entries on demand, and a CSV export of the same selection', async () => {
    const page = await newPage();
    await signInAs(page, server, 'admin', '/admin/audit');
    await page.getByTestId('audit-table').waitFor();
    const actions = await page
      .getByTestId('audit-row')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));
    for (const action of ['auth.sign_in', 'user.create', 'user.update', 'ingest_key.revoke', 'settings.change']) {
      expect(actions).toContain(action);
    }
    await saveScreenshot(page, 'admin-audit');

    // Enough failed sign-ins (each a different name, so none is rate-limited) for more than one page.
    for (let i = 0; i < 55; i++) {
      await apiRequest(`${server.url}/api/auth/sign-in`, {
        method: 'POST',
        body: { username: `nobody.${i}`, password: 'wrong-password' },
      });
    }
    await page.getByTestId('audit-filter-action').selectOption('auth.sign_in_failed');
    await page.getByTestId('audit-filter-apply').click();
    await page.waitForURL('**/admin/audit?action=auth.sign_in_failed');
    await expect.poll(() => page.getByTestId('audit-row').count()).toBe(50);
    const filtered = await page
      .getByTestId('audit-row')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));
    expect(new Set(filtered)).toEqual(new Set(['auth.sign_in_failed']));
    await page.getByTestId('audit-load-more').click();
    await expect.poll(() => page.getByTestId('audit-row').count()).toBeGreaterThanOrEqual(55);
    await expect.poll(() => page.getByTestId('audit-load-more').count()).toBe(0);

    const href = await page.getByTestId('audit-export').getAttribute('href');
    expect(href).toBe('/api/audit/export?action=auth.sign_in_failed');
    const csv = await page.evaluate(async (url) => {
      const response = await fetch(url);
      return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
    }, href ?? '');
    expect(csv.status).toBe(200);
    expect(csv.type).toMatch(/^text\/csv/);
    const lines = csv.text.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(56);
    expect(lines.slice(1).every((line) => line.includes('auth.sign_in_failed'))).toBe(true);

    // A username filter from a click on a name in the table.
    await page.getByTestId('audit-filter-reset').click();
    await page.getByTestId('audit-filter-user').fill('demo.controller');
    await page.getByTestId('audit-filter-apply').click();
    await page.waitForURL('**/admin/audit?user=demo.controller');
    await expect
      .poll(
        async () =>
          new Set(
            await page
              .getByTestId('audit-row')
              .evaluateAll((rows) => rows.map((r) => r.querySelector('td:nth-child(2) button')?.textContent)),
          ),
      )
      .toEqual(new Set(['demo.controller']));
    await saveScreenshot(page, 'admin-audit-filtered');
  });
});
