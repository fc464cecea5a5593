import type { CompactionRun } from '@receipt-chroma/dynamo-stream';
import type { DeltaMergeResult, MergeDeltas } from '../../src/compaction/types.js';
import { VectorStoreError } from '../../src/errors.js';
import { lineChromaId, wordChromaId } from '../../src/ids/chromaIds.js';
import type { ReceiptStore } from '../../src/ports/receiptStore.js';
import type {
  DeleteRequest,
  GetRequest,
  GetResponse,
  Metadata,
  UpdateRequest,
  UpsertRequest,
  VectorCollection,
} from '../../src/ports/vectorCollection.js';
import { aroundReceiptStore } from '../../src/receipts/aroundReceiptStore.js';
import type { InMemoryReceiptStore } from '../../src/testing/InMemoryReceiptStore.js';
import { labelsOfWord, lineMetadata, wordMetadata } from './convergenceExpected.js';
import type { ReceiptContents, SeededRandom } from './convergenceModel.js';
import { FlakyCollection } from './flakyCollection.js';

/**
 * The unreliable world of the convergence test: transient failures of the vector store, of
 * the receipts table and of the delta merger, all drawn from one seeded source, and the
 * deltas the compaction runs wrote.
 */

/** The probability of each kind of injected failure, per call. */
export interface FaultRates {
  /** A Chroma call rejects before doing anything. */
  readonly vectors: number;
  /** A Chroma write is done, then rejects (the reply was lost, e.g. a timeout). */
  readonly lostReplies: number;
  /** A table read rejects (`InMemoryReceiptStore.failNextRead`). */
  readonly store: number;
  /** The merger rejects a whole call, or fails one run before or after writing it. */
  readonly merge: number;
}

/** The rates of one history: each kind is off, rare or frequent. */
export const drawFaultRates = (rng: SeededRandom): FaultRates => ({
  vectors: rng.pick([0, 0.03, 0.1, 0.2]),
  lostReplies: rng.pick([0, 0.03, 0.1]),
  store: rng.pick([0, 0.03, 0.1, 0.2]),
  merge: rng.pick([0, 0.1, 0.3]),
});

/** Decides, call by call, whether a failure is injected; `calm` lowers every rate. */
export class Faults {
  readonly rates: FaultRates;
  readonly #rng: SeededRandom;
  #scale = 1;
  #injected = 0;

  constructor(rates: FaultRates, rng: SeededRandom) {
    this.rates = rates;
    this.#rng = rng;
  }

  /** How many failures were injected so far. */
  get injected(): number {
    return this.#injected;
  }

  /** Whether this call of `kind` fails. */
  hit(kind: keyof FaultRates): boolean {
    const hit = this.#rng.chance(this.rates[kind] * this.#scale);
    if (hit) this.#injected += 1;
    return hit;
  }

  /** Multiplies every rate by `factor` (0 stops the failures). */
  calm(factor: number): void {
    this.#scale *= factor;
  }
}

/**
 * A `ReceiptStore` over the table whose reads fail when `faults` say so, and which calls
 * `beforeRead` before each read (to change the table while a batch is being applied).
 */
export const faultyReceiptStore = (
  table: InMemoryReceiptStore,
  faults: Faults,
  beforeRead: () => void = () => {},
): ReceiptStore =>
  aroundReceiptStore(table, (method, _ref, read) => {
    beforeRead();
    if (faults.hit('store')) table.failNextRead(undefined, method);
    return read();
  });

/** A collection whose writes, when `faults` say so, are done and then reported as failed. */
class LostReplyCollection implements VectorCollection {
  readonly #inner: VectorCollection;
  readonly #faults: Faults;

  constructor(inner: VectorCollection, faults: Faults) {
    this.#inner = inner;
    this.#faults = faults;
  }

  get name(): string {
    return this.#inner.name;
  }

  async #afterWrite(operation: string): Promise<void> {
    if (!this.#faults.hit('lostReplies')) return;
    throw new VectorStoreError(`Injected lost reply after ${operation}`, {
      collection: this.name,
      operation,
    });
  }

  get(request?: GetRequest): Promise<GetResponse> {
    return this.#inner.get(request);
  }

  async upsert(request: UpsertRequest): Promise<void> {
    await this.#inner.upsert(request);
    await this.#afterWrite('upsert');
  }

  async update(request: UpdateRequest): Promise<void> {
    await this.#inner.update(request);
    await this.#afterWrite('update');
  }

  async delete(request: DeleteRequest): Promise<void> {
    await this.#inner.delete(request);
    await this.#afterWrite('delete');
  }

  count(): Promise<number> {
    return this.#inner.count();
  }
}

/**
 * The collection the compactor is given: `inner` behind injected failures, either before a
 * call (`FlakyCollection`) or after a write (a lost reply).
 */
export const faultyCollection = (inner: VectorCollection, faults: Faults): VectorCollection => {
  const flaky = new FlakyCollection(new LostReplyCollection(inner, faults));
  for (const operation of ['get', 'upsert', 'update', 'delete'] as const) {
    flaky.failWhen(operation, () => faults.hit('vectors'));
  }
  return flaky;
};

/** One vector of a delta. */
interface DeltaRecord {
  readonly id: string;
  readonly document: string;
  readonly embedding: readonly number[];
  readonly metadata: Metadata;
}

/**
 * The deltas the compaction runs wrote, by prefix, and a `MergeDeltas` that upserts them.
 * A delta is captured when its run is written: the receipt's words (or one row per line)
 * with the place, labels and sections of that moment baked into their metadata, as the
 * embedding pipeline writes them; later edits of the table must override those values.
 */
export class DeltaStore {
  readonly #deltas = new Map<string, DeltaRecord[]>();

  /** Captures the deltas of `run` from the receipt as it is now. */
  capture(run: CompactionRun, contents: ReceiptContents): void {
    const { place, labels, sections, generation } = contents;
    const embedding = [contents.receiptId, generation];
    this.#deltas.set(
      run.words_delta_prefix,
      contents.words.map((word) => ({
        id: wordChromaId({
          imageId: word.image_id,
          receiptId: word.receipt_id,
          lineId: word.line_id,
          wordId: word.word_id,
        }),
        document: word.text,
        embedding,
        metadata: wordMetadata(word, place, labelsOfWord(labels, word)),
      })),
    );
    this.#deltas.set(
      run.lines_delta_prefix,
      contents.lines.map((line) => ({
        id: lineChromaId({
          imageId: line.image_id,
          receiptId: line.receipt_id,
          lineId: line.line_id,
        }),
        document: line.text,
        embedding,
        metadata: lineMetadata(line, place, labels, sections),
      })),
    );
  }

  /**
   * A merger that upserts each run's delta into the collection it is given. When `faults`
   * say so, a call rejects before doing anything, or a run fails before its upsert or after
   * it (e.g. a failed verification); a failed upsert fails the run.
   */
  merger(faults: Faults): MergeDeltas {
    return async (runs, { vectors }) => {
      if (faults.hit('merge')) throw new Error('Injected merger failure');
      const results: DeltaMergeResult[] = [];
      for (const run of runs) {
        const base = {
          recordId: run.recordId,
          runId: run.runId,
          imageId: run.imageId,
          receiptId: run.receiptId,
          mergedCount: 0,
        };
        const failed = (reason: string, error: Error): void => {
          results.push({ ...base, status: 'failed', reason, error });
        };
        const records = this.#deltas.get(run.deltaPrefix);
        if (records === undefined) {
          failed('delta not found', new Error(`No delta under ${run.deltaPrefix}`));
          continue;
        }
        if (records.length === 0) {
          results.push({ ...base, status: 'skipped', reason: 'empty delta' });
          continue;
        }
        if (faults.hit('merge')) {
          failed('delta download failed', new Error('Injected download failure'));
          continue;
        }
        try {
          await vectors.upsert({
            ids: records.map(({ id }) => id),
            embeddings: records.map(({ embedding }) => embedding),
            documents: records.map(({ document }) => document),
            metadatas: records.map(({ metadata }) => metadata),
          });
        } catch (error) {
          failed('upsert failed', error as Error);
          continue;
        }
        if (faults.hit('merge')) {
          failed('verification failed', new Error('Injected verification failure'));
          continue;
        }
        results.push({ ...base, status: 'applied', mergedCount: records.length });
      }
      return results;
    };
  }
}
