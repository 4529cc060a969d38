import { randomUUID } from 'node:crypto';
import type { CreatedIngestKey, IngestKeyInfo } from '@earshot/shared';
import type { Kysely } from 'kysely';
import type { AuthTables } from './tables.js';
import { randomToken, sha256Hex } from './tokens.js';

/** Marks a string as an Earshot ingest key, so one pasted in the wrong place is recognisable (and greppable). */
export const INGEST_KEY_PREFIX = 'esk_';
/** Characters of the key kept in clear for display: the marker plus eight random characters. */
export const INGEST_KEY_DISPLAY_LENGTH = INGEST_KEY_PREFIX.length + 8;
/** `last_used_at` is written at most this often per key, so busy ingest does not write on every request. */
export const INGEST_KEY_TOUCH_INTERVAL_MS = 60_000;
const MAX_KEY_LENGTH = 256;

export interface VerifiedIngestKey {
  id: string;
  name: string;
}

export interface IngestKeyService {
  /** Makes a key; the secret is in the answer and nowhere else. */
  create(name: string, createdByUserId: string | null): Promise<CreatedIngestKey>;
  list(): Promise<IngestKeyInfo[]>;
  /** Revokes a key (idempotent); null when there is no such key. */
  revoke(id: string): Promise<IngestKeyInfo | null>;
  /** The key's id and name when it is known and not revoked, else null. */
  verify(key: string): Promise<VerifiedIngestKey | null>;
}

export function createIngestKeyService({ db, now }: { db: Kysely<AuthTables>; now: () => number }): IngestKeyService {
  const lastTouched = new Map<string, number>();

  const select = () =>
    db
      .selectFrom('ingest_keys')
      .leftJoin('users', 'users.id', 'ingest_keys.created_by')
      .select([
        'ingest_keys.id',
        'ingest_keys.name',
        'ingest_keys.prefix',
        'ingest_keys.created_at',
        'ingest_keys.last_used_at',
        'ingest_keys.revoked_at',
        'users.username as created_by_username',
      ]);

  type Row = Awaited<ReturnType<ReturnType<typeof select>['executeTakeFirstOrThrow']>>;
  const toInfo = (row: Row): IngestKeyInfo => ({
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: Number(row.created_at),
    createdBy: row.created_by_username,
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  });
  const get = async (id: string) => {
    const row = await select().where('ingest_keys.id', '=', id).executeTakeFirst();
    return row ? toInfo(row) : null;
  };

  return {
    async create(name, createdByUserId) {
      const secret = `${INGEST_KEY_PREFIX}${randomToken()}`;
      const id = randomUUID();
      await db
        .insertInto('ingest_keys')
        .values({
          id,
          name,
          prefix: secret.slice(0, INGEST_KEY_DISPLAY_LENGTH),
          key_hash: sha256Hex(secret),
          created_at: now(),
          created_by: createdByUserId,
          last_used_at: null,
          revoked_at: null,
        })
        .execute();
      const key = await get(id);
      if (!key) throw new Error(`ingest key ${id} vanished right after it was created`);
      return { key, secret };
    },

    async list() {
      const rows = await select().orderBy('ingest_keys.created_at', 'desc').orderBy('ingest_keys.id').execute();
      return rows.map(toInfo);
    },

    async revoke(id) {
      await db
        .updateTable('ingest_keys')
        .set({ revoked_at: now() })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .execute();
      lastTouched.delete(id);
      return get(id);
    },

    async verify(key) {
      if (key.length === 0 || key.length > MAX_KEY_LENGTH) return null;
      const row = await db
        .selectFrom('ingest_keys')
        .select(['id', 'name'])
        .where('key_hash', '=', sha256Hex(key))
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (!row) return null;
      const at = now();
      if (at - (lastTouched.get(row.id) ?? 0) >= INGEST_KEY_TOUCH_INTERVAL_MS) {
        lastTouched.set(row.id, at);
        await db.updateTable('ingest_keys').set({ last_used_at: at }).where('id', '=', row.id).execute();
      }
      return { id: row.id, name: row.name };
    },
  };
}
