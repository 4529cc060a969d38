import type { Role } from '@earshot/shared';
import type { Page } from 'playwright-core';
import type { TestServer } from '../helpers/testServer.js';

/** Types the credentials into the sign-in form (already on screen) and submits it. */
export async function submitSignIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByTestId('sign-in-username').fill(username);
  await page.getByTestId('sign-in-password').fill(password);
  await page.getByTestId('sign-in-submit').click();
}

/**
 * Signs in through the page as the test server's demo account of `role`, starting from `path` (the
 * dashboard sends an anonymous visitor to sign in and back); resolves once the app has left /sign-in.
 */
export async function signInAs(page: Page, server: TestServer, role: Role, path = '/'): Promise<void> {
  await page.goto(`${server.url}${path}`);
  await page.getByTestId('sign-in-page').waitFor();
  await submitSignIn(page, server.users[role].username, server.users[role].password);
  await page.waitForURL((url) => url.pathname !== '/sign-in', { timeout: 10_000 });
}

/** The pathname (and search) the page shows now. */
export function pathOf(page: Page): string {
  const url = new URL(page.url());
  return `${url.pathname}${url.search}`;
}
