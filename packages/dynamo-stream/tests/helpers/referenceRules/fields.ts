import * as z from 'zod/mini';
import { UuidSchema } from '../../../src/validation/validators.js';

/**
 * The zod field schemas the rules of the entities not yet declared (places, metadata,
 * compaction runs and locks) were first written with, kept as the reference their property
 * tests compare the plain rules against; declared entities have golden tests instead.
 */

export { UuidSchema };

export const positiveIntSchema = (name: string): z.ZodMiniType<number> =>
  z
    .int({ error: `${name} must be an integer` })
    .check(z.gte(1, { error: `${name} must be positive` }));
