import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CollectionName,
  FileSystemObjectStore,
  SnapshotCache,
} from '@receipt-chroma/chroma-compaction';
import { InMemoryLockStore } from '@receipt-chroma/chroma-compaction/testing';
import {
  compactionRunToItem,
  formatPythonTimestamp,
  receiptLineToItem,
  receiptPlaceToItem,
  receiptToItem,
  receiptWordLabelToItem,
  receiptWordToItem,
} from '@receipt-chroma/dynamo-stream';
import { type CompactorContext, drainQueue, type QueueDrainResult } from './compactorLambda.js';
import { checkOutcome, type DemoCheck } from './demoChecks.js';
import { DemoTable } from './demoTable.js';
import { type AppliedEdits, applyEdits } from './edits.js';
import { inspectCollection, type PublishedCollection } from './inspectSnapshots.js';
import { LocalQueues } from './localQueues.js';
import { writeReceiptDeltas } from './receiptDeltas.js';
import { runStreamLambda, type StreamRunResult } from './streamLambda.js';
import { generateReceipts, type SyntheticReceipt } from './syntheticReceipts.js';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** The argv prefix that runs Node.js able to load Chroma's native binding. */
  readonly command: readonly string[];
  /** How many receipts to generate (at least 3). @default 40 */
  readonly receipts?: number | undefined;
  /** The seed of every random choice. @default 11 */
  readonly seed?: number | undefined;
  /** Records per compactor invocation. @default 200 */
  readonly batchSize?: number | undefined;
  /** Where progress lines go. @default nowhere */
  readonly progress?: ((line: string) => void) | undefined;
  /** Stops the demo between steps and invocations (it then cleans up and throws). */
  readonly signal?: AbortSignal | undefined;
  /** Called with the demo's temporary directory as soon as it exists. */
  readonly onWorkspace?: ((dir: string) => void) | undefined;
}

/** One round of table writes carried to Chroma: stream Lambda, then compactor Lambdas. */
export interface DemoRound {
  readonly name: string;
  readonly stream: StreamRunResult;
  readonly compaction: readonly QueueDrainResult[];
}

/** Everything the demo did and found. */
export interface DemoSummary {
  readonly generated: {
    readonly receipts: number;
    readonly lines: number;
    readonly words: number;
    readonly labels: number;
  };
  /** Vectors written to deltas, per collection. */
  readonly deltaVectors: Readonly<Record<CollectionName, number>>;
  readonly rounds: readonly DemoRound[];
  readonly edits: AppliedEdits;
  readonly published: Readonly<Record<CollectionName, PublishedCollection>>;
  /** Wall-clock milliseconds of each step, in order. */
  readonly steps: readonly { readonly name: string; readonly ms: number }[];
  readonly checks: readonly DemoCheck[];
}

const COLLECTIONS: readonly CollectionName[] = ['lines', 'words'];
/** The text whose nearest `lines` rows the demo looks up. */
export const QUERY_TEXT = 'TOTAL';

/** The table items of a receipt, in the order the OCR and labelling steps write them. */
const receiptItems = (receipt: SyntheticReceipt) => [
  receiptToItem(receipt.receipt),
  ...receipt.lines.map(receiptLineToItem),
  ...receipt.words.map(receiptWordToItem),
  receiptPlaceToItem(receipt.place),
  ...receipt.labels.map(receiptWordLabelToItem),
];

/**
 * Waits for every promise, then throws the first rejection: nothing of a failed step may
 * still be running when the workspace is removed.
 */
const settleAll = async <Value>(promises: readonly Promise<Value>[]): Promise<Value[]> => {
  const settled = await Promise.allSettled(promises);
  const rejected = settled.find((result) => result.status === 'rejected');
  if (rejected !== undefined) throw rejected.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<Value>).value);
};

/** Runs `body` on every item with at most `limit` running at once. */
const eachLimited = async <Item>(
  items: readonly Item[],
  limit: number,
  body: (item: Item) => Promise<void>,
): Promise<void> => {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next] as Item;
      next += 1;
      await body(item);
    }
  };
  await settleAll(Array.from({ length: Math.min(limit, items.length) }, worker));
};

/**
 * The whole pipeline on embedded defaults: synthetic receipts go into an in-memory table
 * and their deltas into a directory bucket; the table's stream records go through the
 * stream Lambda's calls into in-memory queues; the compactor Lambda's `compactCollection`
 * merges them into snapshots (each cycle starting its own local Chroma); a second round of
 * edits follows the same path; then the latest versions are downloaded and queried.
 * Every temporary file is removed before it returns or throws.
 */
export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const progress = options.progress ?? (() => undefined);
  const count = options.receipts ?? 40;
  const seed = options.seed ?? 11;
  const steps: { name: string; ms: number }[] = [];
  const step = async <Result>(name: string, body: () => Promise<Result>): Promise<Result> => {
    options.signal?.throwIfAborted();
    progress(`[demo] ${name}`);
    const started = performance.now();
    const result = await body();
    steps.push({ name, ms: performance.now() - started });
    return result;
  };
  let micros = Date.UTC(2026, 0, 5, 9) * 1000;
  const timestamp = (): string => {
    micros += 1000;
    return formatPythonTimestamp(micros);
  };

  const workspace = await mkdtemp(join(tmpdir(), 'receipt-chroma-demo-'));
  options.onWorkspace?.(workspace);
  try {
    const bucket = join(workspace, 'bucket');
    const scratch = join(workspace, 'scratch');
    await Promise.all([mkdir(bucket), mkdir(scratch)]);
    const store = new FileSystemObjectStore({ root: bucket });
    const table = new DemoTable();
    const queues = new LocalQueues();
    const context: CompactorContext = {
      store,
      caches: {
        lines: new SnapshotCache({ root: join(workspace, 'efs'), collection: 'lines', store }),
        words: new SnapshotCache({ root: join(workspace, 'efs'), collection: 'words', store }),
      },
      lockStore: new InMemoryLockStore(),
      receipts: table.store,
      command: options.command,
      batchSize: options.batchSize ?? 200,
      progress,
      signal: options.signal,
    };
    const carry = async (name: string): Promise<DemoRound> => {
      const stream = await step(`${name}: stream Lambda`, async () => {
        const result = await runStreamLambda(table.takeStreamRecords(), queues);
        progress(
          `  ${result.records} stream records in ${result.invocations} invocations -> ` +
            `${result.messages} messages (lines ${result.sent.lines}, words ${result.sent.words})`,
        );
        return result;
      });
      const compaction = await step(`${name}: compactor Lambda`, () =>
        settleAll(COLLECTIONS.map((collection) => drainQueue(collection, queues, context))),
      );
      return { name, stream, compaction };
    };

    const receipts = await step(`generate ${count} receipts`, async () => {
      const generated = generateReceipts({ count, seed, timestamp });
      const sum = (pick: (receipt: SyntheticReceipt) => number) =>
        generated.reduce((total, receipt) => total + pick(receipt), 0);
      progress(
        `  ${generated.length} receipts, ${sum((r) => r.lines.length)} lines, ` +
          `${sum((r) => r.words.length)} words, ${sum((r) => r.labels.length)} labels`,
      );
      return generated;
    });
    const deltaVectors = await step('write the table and the deltas', async () => {
      const vectors = { lines: 0, words: 0 };
      await eachLimited(receipts, 4, async (receipt) => {
        const written = await writeReceiptDeltas(store, receipt, scratch);
        vectors.lines += written.lines;
        vectors.words += written.words;
      });
      // Receipt by receipt, as the pipeline writes them; a run is recorded once its deltas
      // are stored, and its INSERT is what starts the merge.
      for (const receipt of receipts) {
        table.put(...receiptItems(receipt), compactionRunToItem(receipt.run));
      }
      progress(
        `  ${table.size} table items; ${receipts.length * 2} deltas with ` +
          `${vectors.lines} line and ${vectors.words} word vectors`,
      );
      return vectors;
    });
    const ingest = await carry('ingest');
    const edits = await step('edit the table', async () => {
      const applied = applyEdits(table, receipts, timestamp);
      progress(
        `  ${applied.validated} labels validated, ${applied.invalidated} invalidated, ` +
          `1 place corrected, word ${applied.deletedWordId} deleted, ` +
          `receipt IMAGE#${applied.deletedReceipt.imageId}#RECEIPT#${String(applied.deletedReceipt.receiptId).padStart(5, '0')} deleted`,
      );
      return applied;
    });
    const edit = await carry('edits');
    const published = await step('read the published snapshots', async () => {
      const deletedIds = [
        edits.deletedWordId,
        ...edits.deletedReceipt.lineIds,
        ...edits.deletedReceipt.wordIds,
      ];
      const [lines, words] = await settleAll(
        COLLECTIONS.map((collection) =>
          inspectCollection({
            store,
            collection,
            dir: join(workspace, 'query'),
            command: options.command,
            ids: deletedIds,
            receipt: edits.editedPlace,
            query: collection === 'lines' ? { text: QUERY_TEXT, results: 3 } : undefined,
          }),
        ),
      );
      return { lines: lines as PublishedCollection, words: words as PublishedCollection };
    });
    const rounds = [ingest, edit];
    return {
      generated: {
        receipts: receipts.length,
        lines: receipts.reduce((sum, r) => sum + r.lines.length, 0),
        words: receipts.reduce((sum, r) => sum + r.words.length, 0),
        labels: receipts.reduce((sum, r) => sum + r.labels.length, 0),
      },
      deltaVectors,
      rounds,
      edits,
      published,
      steps,
      checks: checkOutcome({ rounds, edits, published }),
    };
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
}
