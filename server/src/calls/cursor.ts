/**
 * The call list's opaque page cursor: the (offered_at, id) of the last call on a page, the key the list is
 * sorted on. Encoded as base64url JSON so clients treat it as a token, not something to build themselves.
 */
export interface CallsCursor {
  offeredAt: number;
  id: string;
}

export function encodeCursor(cursor: CallsCursor): string {
  return Buffer.from(JSON.stringify([cursor.offeredAt, cursor.id]), 'utf8').toString('base64url');
}

/** Decodes a cursor, or returns a sentence naming why it is not one of ours. */
export function decodeCursor(text: string): { ok: true; cursor: CallsCursor } | { ok: false; error: string } {
  const invalid = {
    ok: false as const,
    error: 'invalid cursor: pass back the nextCursor of a previous page unchanged',
  };
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return invalid;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return invalid;
  }
  if (!Array.isArray(value) || value.length !== 2) return invalid;
  const [offeredAt, id] = value as unknown[];
  if (typeof offeredAt !== 'number' || !Number.isSafeInteger(offeredAt) || offeredAt < 0) return invalid;
  if (typeof id !== 'string' || id.length === 0 || id.length > 128) return invalid;
  return { ok: true, cursor: { offeredAt, id } };
}

/** The `cursor` query parameter of a paged list: none (the first page), a cursor, or why it is refused. */
export function cursorParam(
  text: string | undefined,
):
  | { ok: true; cursor: CallsCursor | null }
  | { ok: false; error: string; details: { path: string; message: string }[] } {
  if (text === undefined) return { ok: true, cursor: null };
  const decoded = decodeCursor(text);
  return decoded.ok
    ? decoded
    : { ok: false, error: decoded.error, details: [{ path: 'cursor', message: decoded.error }] };
}
