// @ts-check
/**
 * Counts and times the chromadb client's requests, through the global `fetch` it uses (the
 * AWS SDK does not): the time until each response's headers, summed under keys the caller
 * chooses from the request's operation. Adds a clock read per request, nothing to the bodies.
 */

/** @typedef {Record<string, { requests: number, ms: number }>} RequestCounts */

/**
 * Replaces the global `fetch` with one that counts each request under `keysOf(operation)`,
 * where `operation` is the last path segment after the collection (`get`, `upsert`, …), or
 * `other` for a request that is not on a collection.
 * @param {(operation: string) => readonly string[]} [keysOf] @default the operation alone
 * @returns {{ counts: () => RequestCounts, take: () => RequestCounts }} `counts` reads what
 *   was counted so far; `take` returns it and starts again from nothing
 */
export const countChromaRequests = (keysOf = (operation) => [operation]) => {
  /** @type {RequestCounts} */
  let counts = {};
  const realFetch = globalThis.fetch;
  const countingFetch = async (
    /** @type {Parameters<typeof realFetch>[0]} */ input,
    /** @type {Parameters<typeof realFetch>[1]} */ init,
  ) => {
    const started = performance.now();
    const url = input instanceof Request ? input.url : String(input);
    const operation =
      /\/collections\/[^/]+\/([a-z_]+)$/.exec(new URL(url).pathname)?.[1] ?? 'other';
    const entries = keysOf(operation).map((key) => {
      const entry = counts[key] ?? { requests: 0, ms: 0 };
      counts[key] = entry;
      return entry;
    });
    try {
      return await realFetch(input, init);
    } finally {
      for (const entry of entries) {
        entry.requests += 1;
        entry.ms += performance.now() - started;
      }
    }
  };
  Object.assign(globalThis, { fetch: countingFetch });
  return {
    counts: () => counts,
    take: () => {
      const taken = counts;
      counts = {};
      return taken;
    },
  };
};
