/**
 * The checks of a portable delta's data that look inside the entries: every vector value
 * finite (while `embeddings.f32` streams in), every `records.ndjson` line a valid, unique
 * record (once it is staged).
 * @internal
 * @packageDocumentation
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { DeltaCheck } from './errors.js';
import { IdFingerprints } from './IdFingerprints.js';
import { EMBEDDINGS_ENTRY, RECORDS_ENTRY } from './manifest.js';
import {
  type DeltaRecordRules,
  deltaIdProblem,
  deltaPayloadProblem,
  firstNonFinite,
} from './recordChecks.js';

/** Fails the read with a `DeltaIntegrityError` naming the check. @internal */
export type Fail = (check: DeltaCheck, message: string, entry?: string, cause?: unknown) => never;

/**
 * Checks float32 values as they stream by, carrying the bytes of a value split across chunks.
 * @internal
 */
export const finiteChecker = (dimension: number, fail: Fail): ((chunk: Buffer) => void) => {
  // Chunks are copied into one aligned scratch buffer (a value split across chunks waits at
  // its start), so checking allocates nothing per chunk.
  const scratch = new Uint8Array(FINITE_SCRATCH_BYTES);
  const floats = new Float32Array(scratch.buffer);
  let pending = 0;
  let seen = 0;
  return (chunk) => {
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(chunk.length - offset, scratch.length - pending);
      scratch.set(chunk.subarray(offset, offset + take), pending);
      offset += take;
      const filled = pending + take;
      const usable = filled - (filled % 4);
      const bad = firstNonFinite(floats.subarray(0, usable / 4));
      if (bad >= 0) {
        const index = seen + bad;
        fail(
          'record',
          `${EMBEDDINGS_ENTRY} value ${index} (record ${Math.floor(index / Math.max(dimension, 1))}) is not a finite number`,
          EMBEDDINGS_ENTRY,
        );
      }
      seen += usable / 4;
      pending = filled - usable;
      scratch.copyWithin(0, usable, filled);
    }
  };
};

/** The scratch buffer of {@link finiteChecker}: a multiple of 4 bytes. */
const FINITE_SCRATCH_BYTES = 64 * 1024;

/**
 * The ids of the given records of a staged `records.ndjson` (lines already checked), read
 * again from the file: only for ids whose fingerprint an earlier id shares, so rarely more
 * than once per delta with a repeated id.
 * @internal
 */
export const idsAt = async (path: string, indexes: readonly number[]): Promise<string[]> => {
  const wanted = new Set(indexes);
  const last = Math.max(...indexes);
  const found: string[] = [];
  // It stops early: closing the interface leaves its input open, so the stream is destroyed.
  const input = createReadStream(path);
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let index = 0;
  try {
    for await (const line of lines) {
      if (wanted.has(index)) found.push((JSON.parse(line) as { id: string }).id);
      if (index === last) break;
      index += 1;
    }
  } finally {
    lines.close();
    input.destroy();
  }
  return found;
};

/**
 * Reads a staged `records.ndjson`: each line a valid record of the collection, ids unique.
 * @returns the number of records
 * @internal
 */
export const checkStagedRecords = async (
  path: string,
  rules: DeltaRecordRules,
  fail: Fail,
): Promise<number> => {
  const ids = new IdFingerprints();
  // Closing the interface leaves its input open: the stream is destroyed too, in `finally`.
  const input = createReadStream(path);
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let index = 0;
  try {
    for await (const line of lines) {
      const problem = (check: DeltaCheck, text: string): never =>
        fail(check, `${RECORDS_ENTRY} line ${index + 1}: ${text}`, RECORDS_ENTRY);
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch {
        problem('record', 'is not valid JSON');
      }
      if (typeof record !== 'object' || record === null || Array.isArray(record)) {
        problem('record', 'is not a JSON object');
      }
      const { id, document, metadata } = record as Record<string, unknown>;
      const idProblem = deltaIdProblem(id, rules);
      if (idProblem !== undefined) problem(idProblem.check, idProblem.problem);
      const sameFingerprint = ids.add(id as string, index);
      if (
        sameFingerprint.length > 0 &&
        (await idsAt(path, sameFingerprint)).includes(id as string)
      ) {
        problem('duplicate-id', `id "${String(id)}" appears twice`);
      }
      const payloadProblem = deltaPayloadProblem(document, metadata);
      if (payloadProblem !== undefined) problem('record', payloadProblem);
      index += 1;
    }
  } finally {
    lines.close();
    input.destroy();
  }
  return index;
};
