import { describe, expect, it } from 'vitest';
import { IngestKeyChecker, keyFromHeaders } from './ingestKey.js';

describe('IngestKeyChecker', () => {
  const checker = new IngestKeyChecker(['first-key-123', 'second-key-456']);

  it('accepts any configured key and nothing else', () => {
    expect(checker.matches('first-key-123')).toBe(true);
    expect(checker.matches('second-key-456')).toBe(true);
    expect(checker.matches('first-key-12')).toBe(false);
    expect(checker.matches('first-key-1234')).toBe(false);
    expect(checker.matches('')).toBe(false);
    expect(checker.matches(undefined)).toBe(false);
    expect(checker.matches(42)).toBe(false);
  });

  it('refuses to be built without keys', () => {
    expect(() => new IngestKeyChecker([])).toThrow(/at least one/);
  });
});

describe('keyFromHeaders', () => {
  it('reads the ingest header first, then a bearer token', () => {
    expect(keyFromHeaders({ 'x-earshot-ingest-key': 'k1', authorization: 'Bearer k2' }, 'x-earshot-ingest-key')).toBe(
      'k1',
    );
    expect(keyFromHeaders({ authorization: 'bearer k2' }, 'x-earshot-ingest-key')).toBe('k2');
    expect(keyFromHeaders({ authorization: 'Basic abc' }, 'x-earshot-ingest-key')).toBeUndefined();
    expect(keyFromHeaders({}, 'x-earshot-ingest-key')).toBeUndefined();
  });
});
