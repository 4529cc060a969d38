import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaPathError, resolveMediaPath } from './paths.js';

describe('resolveMediaPath', () => {
  let sandbox: string;
  let dataDir: string;
  let outside: string;

  beforeAll(() => {
    sandbox = realpathSync(mkdtempSync(path.join(tmpdir(), 'earshot-media-')));
    dataDir = path.join(sandbox, 'data');
    outside = path.join(sandbox, 'outside');
    mkdirSync(path.join(dataDir, 'recordings', 'call-1'), { recursive: true });
    mkdirSync(outside);
    writeFileSync(path.join(dataDir, 'recordings', 'call-1', 'audio.wav'), 'RIFF');
    writeFileSync(path.join(outside, 'secret.txt'), 'not yours');
    // Links planted under DATA_DIR: one out to a directory, one out to a file, one dangling out, one inside.
    symlinkSync(outside, path.join(dataDir, 'recordings', 'escape-dir'));
    symlinkSync(path.join(outside, 'secret.txt'), path.join(dataDir, 'recordings', 'escape-file.wav'));
    symlinkSync(path.join(outside, 'not-yet.wav'), path.join(dataDir, 'recordings', 'dangling.wav'));
    symlinkSync(path.join(dataDir, 'recordings', 'call-1'), path.join(dataDir, 'recordings', 'alias'));
  });
  afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

  const refused = (...segments: string[]) =>
    expect(resolveMediaPath(dataDir, ...segments)).rejects.toBeInstanceOf(MediaPathError);

  it('resolves existing and not-yet-existing files under the data directory', async () => {
    expect(await resolveMediaPath(dataDir, 'recordings', 'call-1', 'audio.wav')).toBe(
      path.join(dataDir, 'recordings', 'call-1', 'audio.wav'),
    );
    // A file about to be written, in a directory about to be made.
    expect(await resolveMediaPath(dataDir, 'recordings', 'call-2', 'audio.wav')).toBe(
      path.join(dataDir, 'recordings', 'call-2', 'audio.wav'),
    );
    // A link that stays inside is fine.
    expect(await resolveMediaPath(dataDir, 'recordings', 'alias', 'audio.wav')).toBe(
      path.join(dataDir, 'recordings', 'alias', 'audio.wav'),
    );
    // A relative data directory is resolved against the working directory.
    const relative = path.relative(process.cwd(), dataDir);
    expect(await resolveMediaPath(relative, 'recordings')).toBe(path.join(dataDir, 'recordings'));
  });

  it('refuses parent references, in any position and disguise', async () => {
    await refused('..');
    await refused('..', 'outside', 'secret.txt');
    await refused('recordings', '..', '..', 'outside', 'secret.txt');
    await refused('recordings/../../outside/secret.txt');
    await refused('recordings\\..\\..\\outside');
    await refused('.');
    await refused('.hidden');
    await refused('...');
  });

  it('refuses percent-encoded traversal rather than trusting it to stay encoded', async () => {
    await refused('%2e%2e');
    await refused('%2e%2e%2foutside');
    await refused('..%2f..%2foutside');
    await refused('%252e%252e');
    await refused('recordings', '%2E%2E', 'secret.txt');
  });

  it('refuses absolute paths, drive letters and separators', async () => {
    await refused(path.join(outside, 'secret.txt'));
    await refused('/etc/passwd');
    await refused('C:\\Windows');
    await refused('c:');
    await refused('recordings/call-1');
  });

  it('refuses NUL and other control characters, empty and oversized segments, and no segments', async () => {
    await refused('audio.wav\u0000.txt');
    await refused('\u0000');
    await refused('a\nb');
    await refused('');
    await refused('x'.repeat(129));
    await refused();
    await refused(...Array.from({ length: 17 }, () => 'a'));
  });

  it('refuses symbolic links that lead out of the data directory, even dangling ones', async () => {
    await refused('recordings', 'escape-dir', 'secret.txt');
    await refused('recordings', 'escape-dir', 'new-file.wav');
    await refused('recordings', 'escape-file.wav');
    await refused('recordings', 'dangling.wav');
  });

  it('names what is wrong', async () => {
    await expect(resolveMediaPath(dataDir, '..')).rejects.toThrow(/invalid path segment/);
    await expect(resolveMediaPath(dataDir, 'recordings', 'escape-file.wav')).rejects.toThrow(/symbolic link/);
    await expect(resolveMediaPath(path.join(sandbox, 'missing'), 'a')).rejects.toThrow(/does not exist/);
  });
});
