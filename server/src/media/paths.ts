import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';

/**
 * One path segment under DATA_DIR: letters, digits, `.`, `_`, `-`, not starting with a dot (so neither `.`,
 * `..` nor hidden files), at most 128 characters. No separators, no `%` (nothing is ever URL-decoded here,
 * and an encoded `..` is refused rather than trusted to stay encoded), no NUL, no drive letters.
 */
const SEGMENT_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;
const MAX_SEGMENTS = 16;

export class MediaPathError extends Error {
  override name = 'MediaPathError';
}

/**
 * The one way to turn request data (call ids, recording ids, file names) into a path of a media file. Every
 * media route must use it. Resolves `segments` under `dataDir` and guarantees the result stays inside
 * `dataDir`:
 * - each segment must match SEGMENT_PATTERN (refusing `..`, `/`, `\`, `%2e%2e%2f`, absolute paths, NUL);
 * - the joined path must be inside the resolved `dataDir` (belt and braces after the segment check);
 * - symbolic links are resolved (`realpath`) for the file, or for its nearest existing ancestor when the
 *   file does not exist yet (a path to write to), and the real path must still be inside the real `dataDir`,
 *   so a link planted under DATA_DIR cannot lead out of it.
 * Throws MediaPathError naming the problem; answer it with 400 (bad segment) or 404 (escapes), never 500.
 */
export async function resolveMediaPath(dataDir: string, ...segments: string[]): Promise<string> {
  if (segments.length === 0) throw new MediaPathError('name at least one path segment below the data directory');
  if (segments.length > MAX_SEGMENTS) throw new MediaPathError(`at most ${MAX_SEGMENTS} path segments`);
  for (const segment of segments) {
    if (typeof segment !== 'string' || !SEGMENT_PATTERN.test(segment)) {
      throw new MediaPathError(
        `invalid path segment ${JSON.stringify(String(segment).slice(0, 40))}: use letters, digits, . _ - only, not starting with a dot`,
      );
    }
  }
  const root = path.resolve(dataDir);
  const candidate = path.resolve(root, ...segments);
  if (!isInside(root, candidate)) throw new MediaPathError('the path leads outside the data directory');

  const realRoot = await realpath(root).catch(() => {
    throw new MediaPathError('the data directory does not exist');
  });
  const realCandidate = await realpathOfNearestExisting(candidate, root);
  if (!isInside(realRoot, realCandidate)) {
    throw new MediaPathError('the path leads outside the data directory through a symbolic link');
  }
  return candidate;
}

/** True when `child` is `parent` itself or below it. */
function isInside(parent: string, child: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (!relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative));
}

/**
 * The real path of `target`, or, when it does not exist, of its nearest existing ancestor joined with the
 * rest (a file about to be created lands where its existing parent really is).
 */
async function realpathOfNearestExisting(target: string, stopAt: string): Promise<string> {
  const rest: string[] = [];
  let current = target;
  let lookedAgain = false;
  for (;;) {
    try {
      return path.join(await realpath(current), ...rest.reverse());
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || current === stopAt) throw asMediaError(error);
      // Missing for realpath but a link for lstat: a symbolic link to nowhere, which a write would follow.
      // Anything else lstat finds was created a moment ago (another upload making the day's directory):
      // look again rather than call it a link.
      const entry = await lstat(current).catch(() => null);
      if (entry?.isSymbolicLink()) {
        throw new MediaPathError('the path is a symbolic link to something that does not exist');
      }
      if (entry && !lookedAgain) {
        lookedAgain = true;
        continue;
      }
      lookedAgain = false;
      rest.push(path.basename(current));
      current = path.dirname(current);
    }
  }
}

function asMediaError(error: unknown): MediaPathError {
  const code = (error as NodeJS.ErrnoException).code;
  return new MediaPathError(`the path cannot be resolved${code ? ` (${code})` : ''}`);
}
