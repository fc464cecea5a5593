import * as z from 'zod/mini';
import type { CompactionRun } from '../../../src/entities/compactionRun.js';
import { CompactionState } from '../../../src/entities/enums.js';
import { positiveIntSchema, UuidSchema } from './fields.js';

/**
 * The zod rules `COMPACTION_RUN_RULES` were first written as (the reference for the
 * property tests).
 */

const COMPACTION_STATES: ReadonlySet<unknown> = new Set(Object.values(CompactionState));

const state = (name: string): z.ZodMiniType<CompactionState> =>
  z._default(
    z.string({ error: (issue) => `invalid ${name}: ${String(issue.input)}` }).check(
      z.refine((value: string) => COMPACTION_STATES.has(value), {
        error: (issue) => `invalid ${name}: ${String(issue.input)}`,
      }),
    ),
    'PENDING',
  ) as unknown as z.ZodMiniType<CompactionState>;

const prefix = (name: string): z.ZodMiniType<string> =>
  z
    .string({ error: `${name} must be a non-empty string` })
    .check(z.minLength(1, { error: `${name} must be a non-empty string` }));

const instant = (name: string): z.ZodMiniType<string | null> =>
  z._default(
    z.nullable(z.string({ error: `${name} must be datetime, ISO-8601 string, or None` })),
    null,
  ) as unknown as z.ZodMiniType<string | null>;

const vectors = (name: string): z.ZodMiniType<number> =>
  z._default(
    z
      .int({ error: `${name} must be a non-negative int` })
      .check(z.gte(0, { error: `${name} must be a non-negative int` })),
    0,
  ) as unknown as z.ZodMiniType<number>;

export const compactionRunReference = (): z.ZodMiniType<CompactionRun> =>
  z.object({
    run_id: UuidSchema,
    image_id: UuidSchema,
    receipt_id: positiveIntSchema('receipt_id'),
    lines_delta_prefix: prefix('lines_delta_prefix'),
    words_delta_prefix: prefix('words_delta_prefix'),
    lines_state: state('lines_state'),
    words_state: state('words_state'),
    lines_started_at: instant('lines_started_at'),
    lines_finished_at: instant('lines_finished_at'),
    words_started_at: instant('words_started_at'),
    words_finished_at: instant('words_finished_at'),
    lines_error: z._default(z.string({ error: 'lines_error must be a string' }), ''),
    words_error: z._default(z.string({ error: 'words_error must be a string' }), ''),
    lines_merged_vectors: vectors('lines_merged_vectors'),
    words_merged_vectors: vectors('words_merged_vectors'),
    created_at: z.string({ error: 'created_at must be datetime, ISO-8601 string, or None' }),
    updated_at: instant('updated_at'),
  }) as unknown as z.ZodMiniType<CompactionRun>;
