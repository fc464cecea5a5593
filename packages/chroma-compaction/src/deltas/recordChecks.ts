/**
 * The rules every delta record obeys, whoever wrote it: `writeDelta` refuses a record that
 * breaks them and `readDelta` fails the delta. Metadata follows what Chroma stores
 * (`vectorRequestChecks`).
 * @internal
 * @packageDocumentation
 */
import type { CollectionName } from '../compaction/types.js';
import { safeParseChromaId } from '../ids/chromaIds.js';
import type { ReceiptRef } from '../ports/receiptStore.js';
import { metadataProblem } from '../vectors/vectorRequestChecks.js';
import type { DeltaCheck } from './errors.js';

/** What the records of one delta must satisfy. @internal */
export interface DeltaRecordRules {
  readonly collection: CollectionName;
  /** When set, every id must belong to this receipt. */
  readonly receipt?: ReceiptRef | undefined;
}

/** A broken rule: the check it belongs to and what is wrong. @internal */
export interface RecordProblem {
  readonly check: DeltaCheck;
  readonly problem: string;
}

const ID_KIND: Readonly<Record<CollectionName, 'line' | 'word'>> = {
  lines: 'line',
  words: 'word',
};

/** Why an id cannot be in a delta of this collection (and receipt), or `undefined`. @internal */
export const deltaIdProblem = (id: unknown, rules: DeltaRecordRules): RecordProblem | undefined => {
  if (typeof id !== 'string') return { check: 'record', problem: 'id is not a string' };
  const parsed = safeParseChromaId(id);
  if (!parsed.success) return { check: 'record', problem: parsed.error.message };
  if (parsed.data.kind !== ID_KIND[rules.collection]) {
    return {
      check: 'record',
      problem: `id "${id}" is a ${parsed.data.kind} id, not an id of collection ${rules.collection}`,
    };
  }
  const { receipt } = rules;
  if (
    receipt !== undefined &&
    (parsed.data.imageId !== receipt.imageId || parsed.data.receiptId !== receipt.receiptId)
  ) {
    return {
      check: 'receipt',
      problem: `id "${id}" does not belong to receipt ${receipt.receiptId} of image ${receipt.imageId}`,
    };
  }
  return undefined;
};

/** Why a document or metadata value cannot be stored, or `undefined`. @internal */
export const deltaPayloadProblem = (document: unknown, metadata: unknown): string | undefined => {
  if (document !== null && document !== undefined && typeof document !== 'string') {
    return 'document is not a string';
  }
  if (metadata !== null && metadata !== undefined) {
    const problem = metadataProblem(metadata);
    if (problem !== undefined) return `cannot store ${problem}`;
    // A null value removes a key in an update; in a stored record it means nothing.
    for (const [key, value] of Object.entries(metadata)) {
      if (value === null) return `metadata value of "${key}" is null`;
    }
  }
  return undefined;
};

/** The index of the first non-finite value, or -1 when every value is finite. @internal */
export const firstNonFinite = (values: Float32Array): number => {
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index] as number;
    // NaN fails both comparisons; so do the infinities against the float32 range.
    if (!(value >= -3.4028234663852886e38 && value <= 3.4028234663852886e38)) return index;
  }
  return -1;
};
