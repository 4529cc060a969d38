import { ROLE_LABELS, ROLES, type Role, type User, UsernameSchema } from '@earshot/shared';
import type { Logger } from '../logger.js';
import { passwordWeakness } from './passwords.js';
import { randomToken } from './tokens.js';
import type { UserService } from './users.js';

/**
 * `production`: accounts come from an admin, the first one from the environment or the CLI.
 * `demo` (the README's `npm start`): one account per role, so the product can be tried at once.
 */
export type BootstrapMode = 'production' | 'demo';

export interface DemoCredential {
  username: string;
  role: Role;
  password: string;
}

export interface BootstrapResult {
  /** Accounts created by this call. */
  created: User[];
  /** Demo mode only: every demo account and the password it has from now on. */
  demoCredentials: DemoCredential[];
}

export interface BootstrapOptions {
  mode: BootstrapMode;
  users: UserService;
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  /** The simulator agent the demo agent account stands for (the simulator's `createAgentPool(1)[0]`). */
  demoAgent?: { id: string; name: string };
}

export class BootstrapError extends Error {
  override name = 'BootstrapError';
}

export const ADMIN_USERNAME_ENV = 'EARSHOT_ADMIN_USERNAME';
export const ADMIN_PASSWORD_ENV = 'EARSHOT_ADMIN_PASSWORD';
export const DEMO_USERNAME_PREFIX = 'demo.';
const DEFAULT_DEMO_AGENT = { id: 'agent-001', name: 'Demo agent' };

/**
 * Makes sure someone can sign in after the first start.
 *
 * Production: when no enabled admin exists, creates one from EARSHOT_ADMIN_USERNAME/EARSHOT_ADMIN_PASSWORD
 * (refusing a weak password with an error that stops start-up); without them it only explains how to make
 * one (the variables, or `server/src/auth/cli.ts create-admin`). There is never a built-in default.
 *
 * Demo: creates `demo.admin`, `demo.controller`, `demo.supervisor`, `demo.trainer` and `demo.agent` (tied to
 * a simulator agent) as needed, and gives all five fresh random passwords at every start, printed once to
 * the log and returned to the caller (browser tests sign in with them). There are deliberately no fixed
 * demo passwords, not even behind a flag: a documented password on a demo that ends up reachable from a
 * network is the classic default-credential hole, and nothing needs one, since whoever starts the server
 * reads the log and tests read the return value.
 */
export async function ensureBootstrapUsers(options: BootstrapOptions): Promise<BootstrapResult> {
  return options.mode === 'demo' ? ensureDemoUsers(options) : ensureFirstAdmin(options);
}

async function ensureFirstAdmin({ users, logger, env = process.env }: BootstrapOptions): Promise<BootstrapResult> {
  const username = env[ADMIN_USERNAME_ENV]?.trim();
  const password = env[ADMIN_PASSWORD_ENV];
  if ((await users.countEnabledAdmins()) > 0) {
    if (password) {
      logger.warn(`${ADMIN_PASSWORD_ENV} is set but an admin already exists, so it was not used; remove it`);
    }
    return { created: [], demoCredentials: [] };
  }
  if (!username || !password) {
    logger.warn(
      `no admin account exists: set ${ADMIN_USERNAME_ENV} and ${ADMIN_PASSWORD_ENV} and restart, or run ` +
        '`node --import tsx server/src/auth/cli.ts create-admin --username <name>` (reads the password from stdin)',
    );
    return { created: [], demoCredentials: [] };
  }
  const name = UsernameSchema.safeParse(username);
  if (!name.success) {
    throw new BootstrapError(`${ADMIN_USERNAME_ENV}: ${name.error.issues[0]?.message ?? 'not a valid username'}`);
  }
  const weakness = passwordWeakness(password, name.data);
  if (weakness) throw new BootstrapError(`${ADMIN_PASSWORD_ENV} refused: ${weakness}`);
  if (await users.getByUsername(name.data)) {
    throw new BootstrapError(
      `${ADMIN_USERNAME_ENV}: user ${name.data} exists but is not an enabled admin; choose another name or fix it with the CLI`,
    );
  }
  const admin = await users.create({
    username: name.data,
    displayName: ROLE_LABELS.admin,
    role: 'admin',
    agentId: null,
    password,
  });
  logger.info(`created the first admin account ${admin.username} from ${ADMIN_USERNAME_ENV}/${ADMIN_PASSWORD_ENV}`);
  return { created: [admin], demoCredentials: [] };
}

async function ensureDemoUsers({
  users,
  logger,
  demoAgent = DEFAULT_DEMO_AGENT,
}: BootstrapOptions): Promise<BootstrapResult> {
  const created: User[] = [];
  const demoCredentials: DemoCredential[] = [];
  for (const role of ROLES) {
    const username = `${DEMO_USERNAME_PREFIX}${role}`;
    // 16 characters of base64url: 96 random bits.
    const password = randomToken(12);
    const existing = await users.getByUsername(username);
    if (existing) {
      await users.setPassword(existing.id, password);
    } else {
      created.push(
        await users.create({
          username,
          displayName: role === 'agent' ? demoAgent.name : `Demo ${ROLE_LABELS[role].toLowerCase()}`,
          role,
          agentId: role === 'agent' ? demoAgent.id : null,
          password,
        }),
      );
    }
    demoCredentials.push({ username, role, password });
  }
  logger.info(`demo accounts (new passwords at every start):\n${formatDemoCredentials(demoCredentials)}`);
  return { created, demoCredentials };
}

/** The demo accounts as a small table for the console: role, username, password. */
export function formatDemoCredentials(credentials: readonly DemoCredential[]): string {
  const rows = [['role', 'username', 'password'], ...credentials.map((c) => [c.role, c.username, c.password])];
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) => `  ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('   ')}`.trimEnd();
  const rule = `  ${widths.map((width) => '-'.repeat(width)).join('   ')}`;
  const [header = [], ...body] = rows;
  return [line(header), rule, ...body.map(line)].join('\n');
}
