import { randomUUID } from 'node:crypto';
import type { CreateUser, UpdateUser, User } from '@earshot/shared';
import type { Kysely, Selectable } from 'kysely';
import { AuthRequestError } from './errors.js';
import { hashPassword, needsRehash, passwordWeakness, verifyAgainstDummy, verifyPassword } from './passwords.js';
import type { AuthTables, UsersTable } from './tables.js';

export function toUser(
  row: Pick<Selectable<UsersTable>, 'id' | 'username' | 'display_name' | 'role' | 'agent_id' | 'disabled'>,
): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    agentId: row.agent_id,
    disabled: Number(row.disabled) === 1,
  };
}

export type CredentialCheck =
  | { ok: true; user: User }
  /** `user` is set when the account exists, so the failure can be audited against it. */
  | { ok: false; reason: 'unknown_user' | 'wrong_password' | 'disabled'; user: User | null };

export interface UserUpdateResult {
  before: User;
  after: User;
  passwordChanged: boolean;
}

export interface UserService {
  create(input: CreateUser): Promise<User>;
  list(): Promise<User[]>;
  get(id: string): Promise<User | null>;
  getByUsername(username: string): Promise<User | null>;
  /** Applies an admin's change; refuses one that would leave no enabled admin. */
  update(id: string, patch: UpdateUser): Promise<UserUpdateResult>;
  setPassword(id: string, password: string): Promise<void>;
  /** Takes about as long for an unknown username as for a known one. */
  verifyCredentials(username: string, password: string): Promise<CredentialCheck>;
  countEnabledAdmins(): Promise<number>;
}

export interface UserServiceOptions {
  db: Kysely<AuthTables>;
  now: () => number;
}

const userColumns = ['id', 'username', 'display_name', 'role', 'agent_id', 'disabled'] as const;

export function createUserService({ db, now }: UserServiceOptions): UserService {
  const refuseWeak = (password: string, username: string) => {
    const weakness = passwordWeakness(password, username);
    if (weakness) throw new AuthRequestError(400, weakness);
  };

  const get = async (id: string) => {
    const row = await db.selectFrom('users').select(userColumns).where('id', '=', id).executeTakeFirst();
    return row ? toUser(row) : null;
  };

  const getByUsername = async (username: string) => {
    const row = await db.selectFrom('users').select(userColumns).where('username', '=', username).executeTakeFirst();
    return row ? toUser(row) : null;
  };

  const countEnabledAdmins = async () => {
    const row = await db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll().as('count'))
      .where('role', '=', 'admin')
      .where('disabled', '=', 0)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  };

  return {
    async create(input) {
      refuseWeak(input.password, input.username);
      const row = {
        id: randomUUID(),
        username: input.username,
        display_name: input.displayName,
        role: input.role,
        agent_id: input.agentId,
        password_hash: await hashPassword(input.password),
        disabled: 0,
        created_at: now(),
      };
      try {
        await db.insertInto('users').values(row).execute();
      } catch (error) {
        // The unique index on username decides (also between two admins creating the same name at once).
        if (await getByUsername(input.username)) {
          throw new AuthRequestError(409, `username ${input.username} is already taken`);
        }
        throw error;
      }
      return toUser(row);
    },

    async list() {
      const rows = await db.selectFrom('users').select(userColumns).orderBy('username').execute();
      return rows.map(toUser);
    },

    get,

    getByUsername,

    async update(id, patch) {
      const before = await get(id);
      if (!before) throw new AuthRequestError(404, `no user with id ${id}`);
      const removesAnAdmin =
        before.role === 'admin' &&
        !before.disabled &&
        ((patch.role !== undefined && patch.role !== 'admin') || patch.disabled === true);
      if (removesAnAdmin && (await countEnabledAdmins()) <= 1) {
        throw new AuthRequestError(409, 'this is the last enabled admin; make another admin first');
      }
      const changes: Partial<UsersTable> = {};
      if (patch.displayName !== undefined) changes.display_name = patch.displayName;
      if (patch.role !== undefined) changes.role = patch.role;
      if (patch.agentId !== undefined) changes.agent_id = patch.agentId;
      if (patch.disabled !== undefined) changes.disabled = patch.disabled ? 1 : 0;
      if (patch.password !== undefined) {
        refuseWeak(patch.password, before.username);
        changes.password_hash = await hashPassword(patch.password);
      }
      await db.updateTable('users').set(changes).where('id', '=', id).execute();
      const after = await get(id);
      if (!after) throw new AuthRequestError(404, `no user with id ${id}`);
      return { before, after, passwordChanged: patch.password !== undefined };
    },

    async setPassword(id, password) {
      const user = await get(id);
      if (!user) throw new AuthRequestError(404, `no user with id ${id}`);
      refuseWeak(password, user.username);
      await db
        .updateTable('users')
        .set({ password_hash: await hashPassword(password) })
        .where('id', '=', id)
        .execute();
    },

    async verifyCredentials(username, password) {
      const row = await db
        .selectFrom('users')
        .select([...userColumns, 'password_hash'])
        .where('username', '=', username.trim().toLowerCase())
        .executeTakeFirst();
      if (!row) {
        await verifyAgainstDummy(password);
        return { ok: false, reason: 'unknown_user', user: null };
      }
      const user = toUser(row);
      if (!(await verifyPassword(row.password_hash, password))) return { ok: false, reason: 'wrong_password', user };
      // Checked after the password, so a disabled account is only revealed to someone who knows its password.
      if (user.disabled) return { ok: false, reason: 'disabled', user };
      if (needsRehash(row.password_hash)) {
        await db
          .updateTable('users')
          .set({ password_hash: await hashPassword(password) })
          .where('id', '=', user.id)
          .execute();
      }
      return { ok: true, user };
    },

    countEnabledAdmins,
  };
}
