/** The sign-in page's address; `next` carries where the user was going. */
export const SIGN_IN_PATH = '/sign-in';
export const NEXT_PARAM = 'next';

/** Any origin will do: only whether a path stays on it matters. */
const PROBE_ORIGIN = 'https://earshot.invalid';

/**
 * Where to go after signing in, or null when `raw` is not a safe place: only a path on this site
 * (`/calls/42?x=1#y`). Refuses anything a browser could read as another origin: `//evil.example`,
 * `/\evil.example` (browsers treat `\` as `/`), `https://…`, `javascript:…`, and control characters or
 * spaces that browsers strip before parsing. The sign-in page itself is refused too, so it never loops.
 */
export function safeRedirectTarget(raw: string | null | undefined): string | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 2_000) return null;
  if (!raw.startsWith('/') || raw.startsWith('//')) return null;
  // Backslashes, whitespace and control characters have no business in our paths and are how the
  // `//` check above gets dodged (`/\evil`, `/\t/evil`).
  if (/[\\\s\p{Cc}]/u.test(raw)) return null;
  let url: URL;
  try {
    url = new URL(raw, PROBE_ORIGIN);
  } catch {
    return null;
  }
  if (url.origin !== PROBE_ORIGIN) return null;
  if (url.pathname === SIGN_IN_PATH || url.pathname.startsWith(`${SIGN_IN_PATH}/`)) return null;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** The sign-in page's address, remembering `next` when it is worth coming back to. */
export function signInPath(next: string | null): string {
  const target = safeRedirectTarget(next);
  if (target === null || target === '/') return SIGN_IN_PATH;
  return `${SIGN_IN_PATH}?${new URLSearchParams({ [NEXT_PARAM]: target }).toString()}`;
}
