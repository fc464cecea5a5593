import * as z from 'zod/mini';
import { ChromaDBCollection } from '../../../src/constants.js';
import type { CompactionLock } from '../../../src/entities/compactionLock.js';
import { UuidSchema } from './fields.js';

/**
 * The zod rules `COMPACTION_LOCK_RULES` were first written as (the reference for the
 * property tests).
 */

const COLLECTIONS: readonly string[] = Object.values(ChromaDBCollection);
const COLLECTION_LIST = `[${COLLECTIONS.map((name) => `'${name}'`).join(', ')}]`;

const counter = (name: string): z.ZodMiniType<number | null> =>
  z._default(
    z.nullable(
      z
        .int({ error: `${name} must be a non-negative integer` })
        .check(z.gte(0, { error: `${name} must be a non-negative integer` })),
    ),
    null,
  ) as unknown as z.ZodMiniType<number | null>;

export const compactionLockReference = (): z.ZodMiniType<CompactionLock> =>
  z.object({
    lock_id: z.string({ error: 'lock_id must be a non-empty string' }).check(
      z.refine((value: string) => value.trim() !== '', {
        error: 'lock_id must be a non-empty string',
      }),
    ),
    owner: UuidSchema,
    expires: z.string({ error: 'expires must be datetime or ISO-8601 string' }),
    collection: z
      .string({
        error: (issue) =>
          `collection must be ChromaDBCollection or str, got: ${typeof issue.input}`,
      })
      .check(
        z.refine((value: string) => COLLECTIONS.includes(value), {
          error: (issue) =>
            `ChromaDBCollection must be one of: ${COLLECTION_LIST}, got: ${String(issue.input)}`,
        }),
      ),
    heartbeat: z._default(
      z.nullable(z.string({ error: 'heartbeat must be datetime, ISO-8601 string, or None' })),
      null,
    ),
    fence: counter('fence'),
    time_to_live: counter('time_to_live'),
  }) as unknown as z.ZodMiniType<CompactionLock>;
