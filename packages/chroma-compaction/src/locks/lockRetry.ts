import { LockHeldError } from '../errors.js';
import type { LockRetryPolicy } from './lockManagerOptions.js';

/**
 * The wait before retry number `retry` (0 for the first) of an acquire: exponential backoff
 * with jitter over the whole window, uniform between `minDelayMs` and
 * `min(maxDelayMs, minDelayMs * 2^(retry + 1))`, so workers that found the lock held at the
 * same moment come back at different moments.
 * @param random - uniform in `[0, 1)`
 * @internal
 */
export const retryDelay = (
  retry: number,
  options: LockRetryPolicy,
  random: () => number,
): number => {
  const window = Math.min(options.maxDelayMs, options.minDelayMs * 2 ** (retry + 1));
  return options.minDelayMs + random() * (window - options.minDelayMs);
};

/**
 * Resolves after `ms` milliseconds, or rejects with `signal.reason` as soon as `signal` aborts.
 * @internal
 */
export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Calls `tryAcquire` until it takes the lock (resolves `undefined`), waiting
 * {@link retryDelay} between attempts while it reports the lock held, at most
 * `policy.retries` times.
 * @throws LockHeldError after the last attempt, with the last holder's context and `attempts`
 * @throws the signal's reason once `signal` aborts
 * @internal
 */
export const acquireWithRetries = async (
  tryAcquire: () => Promise<LockHeldError | undefined>,
  lock: { readonly lockId: string; readonly collection: string },
  policy: LockRetryPolicy,
  random: () => number,
  signal?: AbortSignal,
): Promise<void> => {
  for (let attempt = 0; ; attempt += 1) {
    signal?.throwIfAborted();
    const held = await tryAcquire();
    if (held === undefined) return;
    if (attempt >= policy.retries) {
      throw new LockHeldError(
        `Lock ${lock.lockId} (${lock.collection}) is still held by another owner after ${attempt + 1} attempts (${held.message})`,
        { cause: held, context: { ...held.context, attempts: attempt + 1 } },
      );
    }
    await sleep(retryDelay(attempt, policy, random), signal);
  }
};
