import { createRandom } from '../../bench/data/generateEvents.mjs';

/**
 * The seeded generator the benchmarks use (mulberry32), so every run of a scenario makes the
 * same choices and a failure can be replayed from its seed.
 */
export const seededRandom: typeof createRandom = createRandom;

/** A seeded generator: `next()` in [0, 1), `int(min, max)` inclusive, `pick`, `chance`, … */
export type Random = ReturnType<typeof createRandom>;
