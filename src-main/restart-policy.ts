// When the backend utility process dies unexpectedly: restart it after a growing delay, and give up
// (with a message saying so) after too many crashes in a short window, so a backend that crashes on
// start (corrupt workspace, missing native library) does not loop forever.
export interface RestartPolicyOptions {
  /** Crashes allowed within `windowMs` before giving up. */
  maxCrashes: number;
  windowMs: number;
  /** Delay before the n-th restart in the window: baseDelayMs * 2^(n-1), capped at maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicyOptions = {
  maxCrashes: 3,
  windowMs: 60_000,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
};

export type RestartDecision =
  { action: 'restart'; delayMs: number; crashes: number } | { action: 'give-up'; crashes: number };

export class RestartPolicy {
  private crashes: number[] = [];
  private readonly opts: RestartPolicyOptions;
  constructor(opts: RestartPolicyOptions = DEFAULT_RESTART_POLICY) {
    this.opts = opts;
  }

  /** Records a crash at `now` (ms) and says what to do. */
  onCrash(now: number): RestartDecision {
    this.crashes = this.crashes.filter((t) => now - t < this.opts.windowMs);
    this.crashes.push(now);
    const n = this.crashes.length;
    if (n > this.opts.maxCrashes) return { action: 'give-up', crashes: n };
    return {
      action: 'restart',
      delayMs: Math.min(this.opts.baseDelayMs * 2 ** (n - 1), this.opts.maxDelayMs),
      crashes: n,
    };
  }

  /** A deliberate restart (workspace switch) or a manual retry starts a fresh count. */
  reset(): void {
    this.crashes = [];
  }
}
