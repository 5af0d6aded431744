/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface WaitOptions {
  /** How long to keep polling before giving up (default 15 s: a CI machine under load is slow). */
  timeoutMs?: number;
  /** Pause between two polls (default 25 ms). */
  intervalMs?: number;
  /**
   * What is awaited, in words: the timeout error names it so a failure says what never happened.
   * A function is called at the timeout, so it can report the state reached (e.g. mails so far).
   */
  what: string | (() => string);
}

type Pending = undefined | null | false;

/**
 * Polls `probe` until it returns something other than undefined, null or false, and returns that.
 * A probe that throws fails at once: a broken query is a bug, not something to wait out.
 * On timeout the error names `what` and the last value seen, which tells a slow system from a
 * wrong one.
 */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  { timeoutMs = 15_000, intervalMs = 25, what }: WaitOptions,
): Promise<Exclude<T, Pending>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) {
      return value as Exclude<T, Pending>;
    }
    if (Date.now() > deadline) {
      const described = typeof what === 'function' ? what() : what;
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${described} (last probe: ${String(value)})`,
      );
    }
    await sleep(intervalMs);
  }
}
