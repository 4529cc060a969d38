import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor.js';

describe('call list cursor', () => {
  it('round-trips the sort key, including ids with punctuation', () => {
    const cursor = { offeredAt: 1_764_000_000_123, id: 'sim-42:abc.def_9' };
    const text = encodeCursor(cursor);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(text)).toEqual({ ok: true, cursor });
  });

  it.each([
    ['not base64url', 'a+b/c='],
    ['not JSON', Buffer.from('{oops', 'utf8').toString('base64url')],
    ['wrong shape', Buffer.from('{"offeredAt":1,"id":"x"}', 'utf8').toString('base64url')],
    ['a fractional time', Buffer.from('[1.5,"x"]', 'utf8').toString('base64url')],
    ['a negative time', Buffer.from('[-1,"x"]', 'utf8').toString('base64url')],
    ['an empty id', Buffer.from('[1,""]', 'utf8').toString('base64url')],
    ['empty text', ''],
  ])('refuses %s, naming the cursor', (_label, text) => {
    expect(decodeCursor(text)).toEqual({ ok: false, error: expect.stringMatching(/^invalid cursor/) });
  });
});
