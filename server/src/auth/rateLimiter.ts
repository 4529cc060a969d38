/** Failed sign-ins one account may collect within the window before further tries are refused. */
export const SIGN_IN_MAX_FAILURES_PER_ACCOUNT = 5;
/** Failed sign-ins one client address may collect within the window (a contact centre shares NAT, so more). */
export const SIGN_IN_MAX_FAILURES_PER_ADDRESS = 20;
export const SIGN_IN_FAILURE_WINDOW_MS = 15 * 60_000;
/** Keys remembered per map; beyond this the least recently failed key is forgotten, bounding memory. */
export const SIGN_IN_LIMITER_MAX_KEYS = 10_000;

export type RateLimitDecision =
  | { allowed: true }
  | { allowed: false; retryAfterMs: number; scope: 'account' | 'address' };

export interface SignInRateLimiterOptions {
  now: () => number;
  maxFailuresPerAccount?: number;
  maxFailuresPerAddress?: number;
  windowMs?: number;
  maxKeys?: number;
}

/**
 * Failure times per key in a sliding window. A Map keeps insertion order, so re-inserting a key on every
 * failure makes the first key the least recently failed one, which is what gets evicted when full.
 */
class FailureWindow {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys: number,
  ) {}

  /** Milliseconds until the next try is allowed, or 0 when it is allowed now. */
  blockedForMs(key: string, at: number): number {
    const recent = this.recent(key, at);
    if (recent.length < this.limit) return 0;
    // The try becomes possible when enough of the oldest failures have left the window.
    const oldestThatMustExpire = recent[recent.length - this.limit] ?? at;
    return Math.max(1, oldestThatMustExpire + this.windowMs - at);
  }

  /** Records a failure; returns true when this failure used up the allowance. */
  add(key: string, at: number): boolean {
    const recent = [...this.recent(key, at), at].slice(-this.limit);
    this.failures.delete(key);
    this.failures.set(key, recent);
    while (this.failures.size > this.maxKeys) {
      const oldest = this.failures.keys().next().value;
      if (oldest === undefined) break;
      this.failures.delete(oldest);
    }
    return recent.length >= this.limit;
  }

  clear(key: string): void {
    this.failures.delete(key);
  }

  get size(): number {
    return this.failures.size;
  }

  private recent(key: string, at: number): number[] {
    const times = this.failures.get(key);
    if (!times) return [];
    const recent = times.filter((t) => t > at - this.windowMs);
    if (recent.length === 0) this.failures.delete(key);
    return recent;
  }
}

/**
 * Limits failed sign-ins per account and per client address.
 *
 * Kept in memory: with one server node every sign-in passes through this process, so the count is complete,
 * and a restart forgetting it costs an attacker's window at most one restart. Memory is bounded by
 * `maxKeys` per map. When Earshot runs on several nodes behind a load balancer, each node would count on
 * its own (an attacker gets N times the tries), so the counts then belong in a shared store (Redis, or a
 * table in the shared PostgreSQL) behind this same interface.
 */
export class SignInRateLimiter {
  private readonly accounts: FailureWindow;
  private readonly addresses: FailureWindow;
  private readonly now: () => number;

  constructor(options: SignInRateLimiterOptions) {
    const windowMs = options.windowMs ?? SIGN_IN_FAILURE_WINDOW_MS;
    const maxKeys = options.maxKeys ?? SIGN_IN_LIMITER_MAX_KEYS;
    this.now = options.now;
    this.accounts = new FailureWindow(
      options.maxFailuresPerAccount ?? SIGN_IN_MAX_FAILURES_PER_ACCOUNT,
      windowMs,
      maxKeys,
    );
    this.addresses = new FailureWindow(
      options.maxFailuresPerAddress ?? SIGN_IN_MAX_FAILURES_PER_ADDRESS,
      windowMs,
      maxKeys,
    );
  }

  /** Asked before the password is checked, so a blocked try costs no hashing. */
  check(account: string, address: string): RateLimitDecision {
    const at = this.now();
    const accountWait = this.accounts.blockedForMs(normalizeAccount(account), at);
    const addressWait = this.addresses.blockedForMs(address, at);
    if (accountWait === 0 && addressWait === 0) return { allowed: true };
    return accountWait >= addressWait
      ? { allowed: false, retryAfterMs: accountWait, scope: 'account' }
      : { allowed: false, retryAfterMs: addressWait, scope: 'address' };
  }

  /** Returns true when this failure blocked the account or the address (worth saying in the audit log). */
  recordFailure(account: string, address: string): boolean {
    const at = this.now();
    const accountBlocked = this.accounts.add(normalizeAccount(account), at);
    const addressBlocked = this.addresses.add(address, at);
    return accountBlocked || addressBlocked;
  }

  /**
   * A successful sign-in clears the account's count but not the address's: otherwise an attacker holding one
   * valid account could reset the address limit between guesses at other accounts.
   */
  recordSuccess(account: string): void {
    this.accounts.clear(normalizeAccount(account));
  }

  /** Keys held (accounts, addresses): for tests and for a look at memory use. */
  get size(): { accounts: number; addresses: number } {
    return { accounts: this.accounts.size, addresses: this.addresses.size };
  }
}

/** `Alice ` and `alice` are the same account to the sign-in, so they share a count. */
function normalizeAccount(account: string): string {
  return account.trim().toLowerCase();
}
