import {
  buildStreamMessages,
  DEFAULT_ENTITY_REGISTRY,
  type DynamoDBStreamRecord,
  type RecordParseError,
  type StreamMessage,
  safeParseStreamRecord,
} from '@receipt-chroma/dynamo-stream';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { generateEvents } from '../../bench/data/generateEvents.mjs';
import { recordFigures } from '../lib/figures.js';
import { profile } from '../lib/profile.js';
import { seededRandom } from '../lib/random.js';
import { copyRecord, STREAM_MUTATIONS } from '../lib/streamMutations.js';

/** Records per `buildStreamMessages` call, as a Lambda batch delivers them. */
const BATCH = 1_000;
/** The share of records the fuzzer damages. */
const MUTATED_SHARE = 0.5;
/** Messages carry a build time; a fixed one makes runs comparable. */
const NOW = (): string => '2026-12-07T00:00:00.000000+00:00';

/** How one record of a batch ended. */
type Outcome =
  | { readonly kind: 'messages'; readonly count: number }
  | { readonly kind: 'failure'; readonly reason: string }
  | { readonly kind: 'skipped'; readonly reason: string };

/** What a batch gave, with each record's outcome. */
interface BatchRun {
  readonly outcomes: Outcome[];
  /** The messages of each record that has some, by its `eventID`. */
  readonly messagesById: Map<string, StreamMessage[]>;
  readonly escaped: unknown[];
}

/** The built-in definition of each entity type. */
const DEFINITIONS = new Map(
  DEFAULT_ENTITY_REGISTRY.map((definition) => [definition.entityType, definition]),
);

/**
 * Why a record gave neither a message nor a failure, or `unexplained: …`. The builder only
 * reads what can change a message: a record whose event sends none for its type (a word
 * MODIFY, a line INSERT) is not parsed, nor a MODIFY whose relevant raw attributes are equal,
 * so an image missing or invalid there is no failure. Anything else must parse, or be
 * refused by `safeParseStreamRecord` as not ours (another partition, an unknown sort key).
 */
const skipReason = (record: unknown): string => {
  const parsed = safeParseStreamRecord(record as DynamoDBStreamRecord);
  if (parsed.success) return 'no relevant change';
  const { reason, entityType } = parsed.error;
  if (reason === 'not-image-partition' || reason === 'unknown-entity') return `not ours: ${reason}`;
  const definition = DEFINITIONS.get(
    entityType as (typeof DEFAULT_ENTITY_REGISTRY)[number]['entityType'],
  );
  const eventName = (record as { eventName?: unknown }).eventName;
  if (definition !== undefined) {
    if (definition.extract === undefined) return 'event sends no message';
    if (eventName === 'INSERT' && definition.syncOnInsert !== true) return 'event sends no message';
    if (eventName === 'MODIFY' && definition.relevantFields.length === 0) {
      return 'event sends no message';
    }
    if (eventName === 'MODIFY' && reason === 'invalid-entity')
      return 'relevant attributes unchanged';
  }
  return `unexplained: ${reason}`;
};

/** Runs one batch and classifies every record's outcome. */
const runBatch = (records: readonly unknown[]): BatchRun => {
  const escaped: unknown[] = [];
  let messages: StreamMessage[] = [];
  let failures: RecordParseError[] = [];
  try {
    ({ messages, failures } = buildStreamMessages(records as DynamoDBStreamRecord[], { now: NOW }));
  } catch (error) {
    escaped.push(error);
  }
  const messagesById = new Map<string, StreamMessage[]>();
  for (const message of messages) {
    const id = String(message.context.recordId);
    messagesById.set(id, [...(messagesById.get(id) ?? []), message]);
  }
  const failed = new Map(failures.map((failure) => [failure.recordIndex, failure.reason]));
  const outcomes = records.map((record, index): Outcome => {
    const reason = failed.get(index);
    if (reason !== undefined) return { kind: 'failure', reason };
    const id = (record as { eventID?: unknown } | null)?.eventID;
    const own = typeof id === 'string' ? messagesById.get(id) : undefined;
    if (own !== undefined) return { kind: 'messages', count: own.length };
    return { kind: 'skipped', reason: skipReason(record) };
  });
  return { outcomes, messagesById, escaped };
};

/** Adds one to `key` of `counts`. */
const bump = (counts: Map<string, number>, key: string): void => {
  counts.set(key, (counts.get(key) ?? 0) + 1);
};

describe('Scenario: stream fuzzing', () => {
  it('never throws, gives every record a message or a reason, and keeps the valid records exact', () => {
    // Prepare: the benchmark's realistic mix, every record with its own eventID, half damaged.
    const random = seededRandom(20261207);
    const clean = generateEvents({ count: profile.streamRecords, seed: 7 }).map(
      (record, index): DynamoDBRecord => ({ ...record, eventID: `fuzz-${index}` }),
    );
    const escaped: unknown[] = [];
    const outcomes = new Map<string, number>();
    const mutationsApplied = new Map<string, number>();
    const mismatched: string[] = [];
    let mutatedRecords = 0;
    let messagesBuilt = 0;

    // Act
    for (let start = 0; start < clean.length; start += BATCH) {
      const originals = clean.slice(start, start + BATCH);
      const untouched: DynamoDBRecord[] = [];
      const batch = originals.map((record) => {
        if (!random.chance(MUTATED_SHARE)) {
          untouched.push(record);
          return copyRecord(record);
        }
        mutatedRecords += 1;
        const mutation = random.pick(STREAM_MUTATIONS);
        bump(mutationsApplied, mutation.name);
        return mutation.apply(copyRecord(record), random);
      });
      const mixed = runBatch(batch);
      const alone = runBatch(untouched);
      escaped.push(...mixed.escaped, ...alone.escaped);
      for (const outcome of mixed.outcomes) {
        bump(
          outcomes,
          outcome.kind === 'messages' ? 'messages' : `${outcome.kind}: ${outcome.reason}`,
        );
        if (outcome.kind === 'messages') messagesBuilt += outcome.count;
      }
      // A valid record gives exactly the messages it gives without its damaged neighbours.
      for (const record of untouched) {
        const inMix = mixed.messagesById.get(record.eventID as string) ?? [];
        const onItsOwn = alone.messagesById.get(record.eventID as string) ?? [];
        if (JSON.stringify(inMix) !== JSON.stringify(onItsOwn))
          mismatched.push(record.eventID as string);
      }
    }

    // Assess
    const failureReasons = [...outcomes.keys()].filter((key) => key.startsWith('failure: '));
    const skipReasons = [...outcomes.keys()].filter((key) => key.startsWith('skipped: '));
    recordFigures('stream fuzzing', [
      { figure: 'records fuzzed', value: clean.length },
      { figure: 'records mutated', value: mutatedRecords },
      { figure: 'mutation kinds', value: mutationsApplied.size },
      { figure: 'messages built', value: messagesBuilt },
      ...[...outcomes].sort().map(([key, value]) => ({ figure: `records: ${key}`, value })),
      { figure: 'exceptions escaped', value: escaped.length },
      { figure: 'valid records whose messages changed', value: mismatched.length },
    ]);
    expect(escaped).toEqual([]);
    expect(mismatched).toEqual([]);
    expect(mutationsApplied.size).toBe(STREAM_MUTATIONS.length);
    // A build error is an exception the builder caught: a defect, not a reason.
    expect(failureReasons).not.toContain('failure: build-error');
    expect(skipReasons.filter((key) => key.startsWith('skipped: unexplained'))).toEqual([]);
    expect(outcomes.get('messages')).toBeGreaterThan(0);
  });
});
