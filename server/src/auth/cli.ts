import readline from 'node:readline';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { UsernameSchema } from '@earshot/shared';
import { type AuditLog, createAuditLog } from '../audit/auditLog.js';
import { loadConfig } from '../config.js';
import { openStore, storeLocationFromConfig } from '../store/openStore.js';
import { AuthRequestError } from './errors.js';
import { createSessionService, type SessionService } from './sessions.js';
import { authDb } from './tables.js';
import { createUserService, type UserService } from './users.js';

const USAGE = `Usage (the password is read from stdin: typed at a prompt, or piped as the first line):
  node --import tsx server/src/auth/cli.ts create-admin --username <name> [--display-name <text>]
  node --import tsx server/src/auth/cli.ts reset-password --username <name>
Uses the same DATABASE_URL / DATA_DIR as the server.`;

export interface CliDeps {
  users: UserService;
  sessions: SessionService;
  audit: AuditLog;
  readPassword: (prompt: string) => Promise<string>;
  print: (line: string) => void;
}

/** Who the audit log names for what the command-line tool did: someone with shell access to the server. */
const CLI_ACTOR = { userId: null, username: 'system', role: null, ip: null, userAgent: 'earshot auth cli' };

export interface CliCommand {
  command: 'create-admin' | 'reset-password';
  username: string;
  displayName: string | undefined;
}

/** Reads the arguments; a usage message (exit code 2) when they are wrong. Opens nothing. */
export function parseCliArgs(argv: string[]): { ok: true; command: CliCommand } | { ok: false; message: string } {
  let values: { username?: string | undefined; 'display-name'?: string | undefined };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { username: { type: 'string' }, 'display-name': { type: 'string' } },
    }));
  } catch (error) {
    return { ok: false, message: `${(error as Error).message}\n${USAGE}` };
  }
  const command = positionals[0];
  if (command !== 'create-admin' && command !== 'reset-password') return { ok: false, message: USAGE };
  const name = UsernameSchema.safeParse(values.username ?? '');
  if (!name.success) {
    return { ok: false, message: `--username: ${name.error.issues[0]?.message ?? 'not a valid username'}\n${USAGE}` };
  }
  return { ok: true, command: { command, username: name.data, displayName: values['display-name'] } };
}

/**
 * Runs one parsed command; resolves to the process exit code. Separate from the entry point so tests can
 * run it against a test database with a scripted password.
 */
export async function runCliCommand({ command, username, displayName }: CliCommand, deps: CliDeps): Promise<number> {
  // Weak passwords are refused by the user service, with the reason printed below.
  const password = await deps.readPassword(`Password for ${username}: `);
  try {
    if (command === 'create-admin') {
      const admin = await deps.users.create({
        username,
        displayName: displayName ?? 'Administrator',
        role: 'admin',
        agentId: null,
        password,
      });
      await deps.audit.record({
        ...CLI_ACTOR,
        action: 'user.create',
        objectId: admin.id,
        reason: 'created with the command-line tool',
        detail: { createdUsername: admin.username, role: admin.role },
      });
      deps.print(`created admin ${admin.username}`);
      return 0;
    }
    const user = await deps.users.getByUsername(username);
    if (!user) {
      deps.print(`no user named ${username}`);
      return 1;
    }
    await deps.users.setPassword(user.id, password);
    const ended = await deps.sessions.revokeAllForUser(user.id);
    await deps.audit.record({
      ...CLI_ACTOR,
      action: 'user.update',
      objectId: user.id,
      reason: 'password reset with the command-line tool',
      detail: { changedUsername: user.username, passwordChanged: true },
    });
    deps.print(`new password set for ${user.username}; ${ended.length} session(s) signed out`);
    return 0;
  } catch (error) {
    if (error instanceof AuthRequestError) {
      deps.print(`refused: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

/** At a terminal: a prompt without echo. From a pipe: the first line of stdin. */
async function readPasswordFromStdin(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) {
    let text = '';
    for await (const chunk of process.stdin) text += String(chunk);
    return text.split(/\r?\n/)[0] ?? '';
  }
  process.stdout.write(prompt);
  const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
  const prompter = readline.createInterface({ input: process.stdin, output: silent, terminal: true });
  try {
    return await new Promise<string>((resolve) => prompter.question('', resolve));
  } finally {
    prompter.close();
    process.stdout.write('\n');
  }
}

async function main(): Promise<void> {
  const parsed = parseCliArgs(process.argv.slice(2));
  if (!parsed.ok) {
    console.error(parsed.message);
    process.exitCode = 2;
    return;
  }
  const config = loadConfig();
  const store = await openStore(storeLocationFromConfig(config));
  try {
    const db = store.db;
    const now = () => Date.now();
    process.exitCode = await runCliCommand(parsed.command, {
      users: createUserService({ db: authDb(db), now }),
      sessions: createSessionService({ db: authDb(db), now }),
      audit: createAuditLog({ db, now }),
      readPassword: readPasswordFromStdin,
      print: (line) => console.log(line),
    });
  } finally {
    await store.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
