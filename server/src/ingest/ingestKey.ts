import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Checks presented ingest keys against the configured ones in constant time: both sides are hashed to a
 * fixed length first (so the key length does not leak either), and every configured key is compared.
 */
export class IngestKeyChecker {
  private readonly digests: Buffer[];

  constructor(keys: readonly string[]) {
    if (keys.length === 0) throw new Error('at least one ingest key is required');
    this.digests = keys.map(digest);
  }

  matches(presented: unknown): boolean {
    if (typeof presented !== 'string' || presented.length === 0) return false;
    const candidate = digest(presented);
    let found = false;
    for (const known of this.digests) found = timingSafeEqual(candidate, known) || found;
    return found;
  }
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** The key from `x-earshot-ingest-key`, or from `Authorization: Bearer <key>`. */
export function keyFromHeaders(
  headers: Record<string, string | string[] | undefined>,
  headerName: string,
): string | undefined {
  const direct = headers[headerName];
  if (typeof direct === 'string' && direct.length > 0) return direct;
  const authorization = headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match) return match[1];
  }
  return undefined;
}

/** Who presented a valid ingest key: one from INGEST_KEYS, or one an admin created (by its id and name). */
export type IngestCaller = { source: 'config' } | { source: 'stored'; keyId: string; name: string };

/** Checks a presented key against both kinds of key; null when neither knows it. */
export type IngestKeyVerifier = (presented: unknown) => Promise<IngestCaller | null>;

/**
 * Accepts the configured keys (INGEST_KEYS, and the one generated for the in-process simulator) and the
 * keys admins create at /api/ingest-keys, which are stored hashed and can be revoked.
 */
export function createIngestKeyVerifier(
  configured: IngestKeyChecker,
  stored: (key: string) => Promise<{ id: string; name: string } | null>,
): IngestKeyVerifier {
  return async (presented) => {
    if (typeof presented !== 'string' || presented.length === 0) return null;
    if (configured.matches(presented)) return { source: 'config' };
    const key = await stored(presented);
    return key ? { source: 'stored', keyId: key.id, name: key.name } : null;
  };
}
