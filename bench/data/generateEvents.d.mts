import type { DynamoDBRecord } from 'aws-lambda';

/** One kind of record in the benchmark mix. */
export interface MixEntry {
  readonly kind: string;
  /** Fraction of all records. */
  readonly share: number;
  readonly eventName: 'INSERT' | 'MODIFY' | 'REMOVE' | 'any';
  /** Messages one record of this kind yields at HEAD. */
  readonly messages: number;
  readonly description: string;
}

/** A generated record with the `MIX` kind it was built as. */
export interface LabelledRecord {
  readonly kind: string;
  readonly record: DynamoDBRecord;
}

/** Options of the generators. */
export interface GenerateOptions {
  /** @default 10000 */
  readonly count?: number;
  /** @default 42 */
  readonly seed?: number;
}

/** The documented mix of record kinds, in table order. */
export declare const MIX: readonly MixEntry[];
/** Exact per-kind record counts for `count` records (largest remainder). */
export declare const mixCounts: (count: number) => Map<string, number>;
/** The mix with the kind of every record. */
export declare const generateLabelledEvents: (options?: GenerateOptions) => LabelledRecord[];
/** Deterministic stream records of the documented mix. */
export declare const generateEvents: (options?: GenerateOptions) => DynamoDBRecord[];
/** The number of messages the HEAD message builder yields for a labelled mix. */
export declare const expectedMessageCount: (labelled: readonly LabelledRecord[]) => number;
/** A seeded random generator with the helpers the builders use. */
export declare const createRandom: (seed: number) => {
  next(): number;
  int(min: number, max: number): number;
  pick<T>(values: readonly T[]): T;
  hex(length: number): string;
  uuid4(): string;
  chance(probability: number): boolean;
};
