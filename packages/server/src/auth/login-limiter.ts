/**
 * Limits password guessing: after `maxFailures` failed logins for one username within `windowMs`, further
 * attempts are refused (HTTP 429) until the oldest failure leaves the window. Kept in memory: a restart
 * clears it, which still bounds guessing to a few attempts per window per process start.
 */
export class LoginLimiter {
  #failures = new Map<string, number[]>();

  constructor(
    readonly maxFailures = 5,
    readonly windowMs = 15 * 60_000,
  ) {}

  /** ms until a new attempt is allowed (0: allowed now). */
  retryAfter(username: string, now = Date.now()): number {
    const recent = this.#recent(username, now);
    return recent.length < this.maxFailures ? 0 : recent[0] + this.windowMs - now;
  }

  fail(username: string, now = Date.now()): void {
    const recent = this.#recent(username, now);
    recent.push(now);
    this.#failures.set(username, recent);
  }

  succeed(username: string): void {
    this.#failures.delete(username);
  }

  #recent(username: string, now: number): number[] {
    return (this.#failures.get(username) ?? []).filter((t) => now - t < this.windowMs);
  }
}
