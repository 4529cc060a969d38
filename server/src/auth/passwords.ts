import { PasswordSchema } from '@earshot/shared';
import { hash, parseOptions, verify } from '@node-rs/argon2';

/**
 * argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane). These are also the library's
 * defaults; they are pinned here so that a library upgrade cannot change them unnoticed, and hashes made
 * with other parameters are upgraded at the next successful sign-in (see `needsRehash`).
 */
export const ARGON2ID_OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2ID_OPTIONS);
}

/** False for a wrong password and for a stored hash that cannot be read, never an exception. */
export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}

/** True when the stored hash was made with other parameters than today's, so it should be replaced. */
export function needsRehash(storedHash: string): boolean {
  try {
    const used = parseOptions(storedHash);
    return (
      used.algorithm !== ARGON2ID_OPTIONS.algorithm ||
      used.memoryCost !== ARGON2ID_OPTIONS.memoryCost ||
      used.timeCost !== ARGON2ID_OPTIONS.timeCost ||
      used.parallelism !== ARGON2ID_OPTIONS.parallelism
    );
  } catch {
    return true;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the time of a real verification when there is no account to verify against, so the answer time
 * to a sign-in does not tell which usernames exist. The dummy hash is made once, on first use.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword('earshot dummy password, never matches a real account');
  await verifyPassword(await dummyHash, password);
  return false;
}

/**
 * Passwords that pass the length rule but are among the first an attacker tries. Short on purpose: the
 * length rule does most of the work (NIST SP 800-63B asks for a check against commonly used values).
 */
const COMMON_PASSWORDS = new Set([
  '123456789012',
  '1234567890123',
  '12345678901234',
  '123456123456',
  '1q2w3e4r5t6y',
  '1qaz2wsx3edc',
  'qwertyuiop12',
  'qwertyuiop123',
  'qwerty123456',
  'qwertyuiopasdf',
  'asdfghjkl123',
  'password1234',
  'password12345',
  'password123456',
  'passwordpassword',
  'p@ssw0rd1234',
  'administrator',
  'administrator1',
  'changeme1234',
  'changemenow!',
  'letmein12345',
  'welcome12345',
  'iloveyou1234',
  'trustno11234',
  'superuser1234',
  'adminadmin12',
  'adminadminadmin',
  'earshotadmin',
  'earshot12345',
  'earshotearshot',
]);

/** Fewer different characters than this means a repeated pattern such as `aaaaaaaaaaaa` or `abababababab`. */
const MIN_DISTINCT_CHARACTERS = 5;

/**
 * Why a password is too weak to accept, or null when it is fine: too short, a well-known password, built
 * from the username, or a long repetition of a few characters.
 */
export function passwordWeakness(password: string, username?: string): string | null {
  const length = PasswordSchema.safeParse(password);
  if (!length.success) return length.error.issues[0]?.message ?? 'password is not acceptable';
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower)) return 'password is one of the most common passwords';
  if (username && username.length >= 3 && lower.includes(username.toLowerCase())) {
    return 'password must not contain the username';
  }
  if (new Set(password).size < MIN_DISTINCT_CHARACTERS) {
    return `password needs at least ${MIN_DISTINCT_CHARACTERS} different characters`;
  }
  return null;
}
