// @ts-check
/**
 * Throughput of `processCollectionUpdates` (`@receipt-chroma/chroma-compaction`) on batches of
 * 1,000 mixed queue messages (places, word labels, sections, word / line / receipt removals)
 * against a real local Chroma server holding 100,000 word vectors and a `DynamoReceiptStore`
 * on moto's DynamoDB, the Chroma round trips and the DynamoDB reads it needs per message,
 * compared in the same run with a baseline that sends one record per Chroma request
 * (`maxBatchSize: 1`: one call per word, as a per-word loop would) and, with `--before`, with
 * the package's code at another commit.
 *
 *   node bench/compaction/processCollectionUpdates.mjs [--words 100000] [--dimension 384]
 *     [--receipt-words 50] [--runs 3] [--baseline-runs 3] [--before <dir>] [--before-runs N]
 *     [--no-results] [--json]
 *
 * Not a test: it prints markdown tables (and with `--json` one JSON line last), writes the
 * figures to bench/compaction/RESULTS.md (unless `--no-results`) and exits 0 whatever they
 * are; it exits 1 only when it cannot run (a service does not start, a batch has failures, or
 * a kind of message is not applied or skipped as the mix expects, see `KINDS`).
 *
 * How:
 * - esbuild bundles the package from `src` (no build needed) into
 *   `bench/results/processCollectionUpdates.bundle.mjs`, with `chromadb` and the AWS SDK
 *   left external.
 * - `--before <dir>`: `<dir>` is another checkout of the repository (e.g. `git worktree add
 *   <dir> a5311ae`; no `npm ci` needed). Its `packages/chroma-compaction/src` is bundled too,
 *   with `@receipt-chroma/dynamo-stream` resolved to `<dir>/packages/dynamo-stream/src` and
 *   other packages to this repository's node_modules, and runs `--before-runs` batches
 *   (default `--runs`; after an untimed warm-up of its own) alternating with the others, plus
 *   the per-kind runs below, on the same table.
 * - moto (`scripts/services/moto.mjs`) and Chroma (`startLocalChroma`, through the glibc shim
 *   of `scripts/services/chroma.mjs` where needed) start on free ports, Chroma on a temporary
 *   directory; both stop at the end.
 * - `--words` word vectors of `--dimension` (deterministic pseudo-random values) with
 *   word-like metadata are added to a `words` collection in requests of 5,000, for receipts
 *   of `--receipt-words` words (10 lines), one moto table per receipt (moto's `Query` scans
 *   its whole table; see `tableOf`).
 * - The table is the table *after* the changes the messages announce, since the compaction
 *   code reads the state it writes from it (see `seedItems`): each receipt a batch touches
 *   has its `RECEIPT` item, words and lines, except that the words of `RECEIPT_WORD` REMOVE
 *   messages and the lines of `RECEIPT_LINE` REMOVE are absent and the receipts of `RECEIPT`
 *   REMOVE have no item at all; the receipts of place MODIFY messages have their
 *   `RECEIPT#r#PLACE` with the new values, those of place REMOVE none; the word labels the
 *   label messages name are there (the removed label is not).
 * - Every batch (1 untimed warm-up, then `--runs` batched and `--baseline-runs` baseline
 *   batches, alternating) has the same mix on receipts of its own, so no batch replays
 *   another's work and no rebuild is needed between runs. Messages are SQS records decoded by
 *   `decodeSqsRecords` before the clock starts; the clock covers `processCollectionUpdates`
 *   only. Then, for each version of the code, one more batch's messages are sent one kind at a
 *   time (one `processCollectionUpdates` call per kind, in the order the phases run), which
 *   attributes the DynamoDB reads and Chroma calls to each kind of message.
 * - Round trips are counted by wrapping the `VectorCollection` (port calls) and the global
 *   `fetch` the chromadb client uses (HTTP requests), DynamoDB requests by wrapping the
 *   client's `send` (by command: `Query`, `GetItem`).
 */
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { build } from 'esbuild';
import { workspaceSourcePlugin } from '../../scripts/workspaceSources.mjs';
import { BENCH_GEOMETRY } from '../lib/benchItems.mjs';
import { fmt, summarize } from '../lib/stats.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUNDLE = join(ROOT, 'bench/results/processCollectionUpdates.bundle.mjs');
const BEFORE_BUNDLE = join(ROOT, 'bench/results/processCollectionUpdates.before.bundle.mjs');
const RESULTS = join(ROOT, 'bench/compaction/RESULTS.md');
const COLLECTION = 'words';
const LINES_PER_RECEIPT = 10;
/** Records per `add` while loading: under the local server's limit of 5,461. */
const LOAD_BATCH = 5000;

// ---------------------------------------------------------------------------------------
// Options

const argv = process.argv.slice(2);
/**
 * @param {string} name
 * @param {number} fallback
 */
const numberOption = (name, fallback) => {
  const index = argv.findIndex((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
  if (index === -1) return fallback;
  const arg = argv[index] ?? '';
  const value = Number(arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[index + 1]);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`--${name} must be an integer`);
  return value;
};
/** @param {string} name */
const stringOption = (name) => {
  const index = argv.findIndex((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
  if (index === -1) return undefined;
  const arg = argv[index] ?? '';
  const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[index + 1];
  if (value === undefined || value === '' || value.startsWith('--')) {
    throw new Error(`--${name} needs a value`);
  }
  return value;
};
const WORDS = numberOption('words', 100_000);
const DIMENSION = numberOption('dimension', 384);
const RECEIPT_WORDS = numberOption('receipt-words', 50);
const RUNS = numberOption('runs', 3);
const BASELINE_RUNS = numberOption('baseline-runs', 3);
const BEFORE_OPTION = stringOption('before');
/** A checkout of the repository at an earlier commit, whose compaction code runs too. */
const BEFORE = BEFORE_OPTION === undefined ? undefined : resolve(BEFORE_OPTION);
const BEFORE_RUNS = BEFORE === undefined ? 0 : numberOption('before-runs', RUNS);
const JSON_OUTPUT = argv.includes('--json');
const WRITE_RESULTS = !argv.includes('--no-results');
if (RECEIPT_WORDS % LINES_PER_RECEIPT !== 0 || RECEIPT_WORDS < 20) {
  throw new Error(`--receipt-words must be a multiple of ${LINES_PER_RECEIPT}, at least 20`);
}
if (RUNS < 1) throw new Error('--runs must be at least 1');
if (BEFORE !== undefined && BEFORE_RUNS < 1) throw new Error('--before-runs must be at least 1');
if (BEFORE !== undefined && !existsSync(join(BEFORE, 'packages/chroma-compaction/src/index.ts'))) {
  throw new Error(`--before ${BEFORE}: no packages/chroma-compaction/src/index.ts there`);
}
const WORDS_PER_LINE = RECEIPT_WORDS / LINES_PER_RECEIPT;
const RECEIPTS = Math.floor(WORDS / RECEIPT_WORDS);

/**
 * The mix of one batch (1,000 messages). Receipts are the receipts of the batch each part
 * uses; the label messages fall on the receipts of the place messages and on receipts of
 * their own, the section messages on label receipts, the line removals on the receipts of
 * the word removals.
 */
const MIX = {
  placeUpdates: 10,
  placeRemovals: 5,
  labelReceipts: 80,
  labelsPerReceipt: 10,
  sections: 50,
  wordRemovalReceipts: 10,
  wordRemovalsPerReceipt: 10,
  receiptRemovals: 5,
  lineRemovals: 30,
};

/**
 * @typedef {'placeUpdate' | 'placeRemoval' | 'label' | 'section' | 'wordRemoval' | 'receiptRemoval' | 'lineRemoval'} KindKey
 * @typedef {{ key: KindKey, messages: number, name: string, short: string, chroma: string, outcome: 'applied' | 'skipped' }} Kind
 */

/**
 * The kinds of message of a batch, in the order `processCollectionUpdates` applies them
 * (places, labels, sections, removals), with the outcome every message of the kind must
 * get on this table (the script stops otherwise: the figures would not measure the work).
 * @type {readonly Kind[]}
 */
const KINDS = [
  {
    key: 'placeUpdate',
    messages: MIX.placeUpdates,
    name: '`RECEIPT_PLACE` MODIFY (merchant name, address, phone)',
    short: '`RECEIPT_PLACE` MODIFY',
    chroma: 'every word of the receipt',
    outcome: 'applied',
  },
  {
    key: 'placeRemoval',
    messages: MIX.placeRemovals,
    name: '`RECEIPT_PLACE` REMOVE',
    short: '`RECEIPT_PLACE` REMOVE',
    chroma: 'every word of the receipt',
    outcome: 'applied',
  },
  {
    key: 'label',
    messages: MIX.labelReceipts * MIX.labelsPerReceipt,
    name: `\`RECEIPT_WORD_LABEL\` (6 in 10 MODIFY to VALID, 2 INSERT PENDING, 2 REMOVE with another label left), ${MIX.labelsPerReceipt} words on each of ${MIX.labelReceipts} receipts (the ${MIX.placeUpdates + MIX.placeRemovals} place receipts among them)`,
    short: '`RECEIPT_WORD_LABEL`',
    chroma: 'one word each',
    outcome: 'applied',
  },
  {
    key: 'section',
    messages: MIX.sections,
    name: '`RECEIPT_SECTION` MODIFY',
    short: '`RECEIPT_SECTION` MODIFY',
    chroma: 'none on `words` (skipped: sections live on `lines`)',
    outcome: 'skipped',
  },
  {
    key: 'wordRemoval',
    messages: MIX.wordRemovalReceipts * MIX.wordRemovalsPerReceipt,
    name: `\`RECEIPT_WORD\` REMOVE (${MIX.wordRemovalsPerReceipt} words on each of ${MIX.wordRemovalReceipts} receipts)`,
    short: '`RECEIPT_WORD` REMOVE',
    chroma: 'one word each',
    outcome: 'applied',
  },
  {
    key: 'receiptRemoval',
    messages: MIX.receiptRemovals,
    name: '`RECEIPT` REMOVE',
    short: '`RECEIPT` REMOVE',
    chroma: 'every word of the receipt',
    outcome: 'applied',
  },
  {
    key: 'lineRemoval',
    messages: MIX.lineRemovals,
    name: `\`RECEIPT_LINE\` REMOVE (line ${LINES_PER_RECEIPT} of the word removals' receipts)`,
    short: '`RECEIPT_LINE` REMOVE',
    chroma: 'none on `words` (skipped)',
    outcome: 'skipped',
  },
];
const MESSAGES = KINDS.reduce((total, kind) => total + kind.messages, 0);
const EXPECTED = {
  applied: KINDS.filter((kind) => kind.outcome === 'applied').reduce((a, k) => a + k.messages, 0),
  skipped: KINDS.filter((kind) => kind.outcome === 'skipped').reduce((a, k) => a + k.messages, 0),
};
/** The receipts of a batch (the place receipts are among the label receipts). */
const RECEIPTS_PER_BATCH = MIX.labelReceipts + MIX.wordRemovalReceipts + MIX.receiptRemovals;
/** Versions of the code measured: this checkout, and the `--before` one. */
const VERSIONS = BEFORE === undefined ? 1 : 2;
/** Warm-ups (one per version), timed batches, and one batch per version sent kind by kind. */
const BATCHES = VERSIONS + RUNS + BASELINE_RUNS + BEFORE_RUNS + VERSIONS;
if (RECEIPTS_PER_BATCH * BATCHES > RECEIPTS) {
  throw new Error(
    `${BATCHES} batches need ${RECEIPTS_PER_BATCH * BATCHES} receipts (${fmt(RECEIPTS_PER_BATCH * BATCHES * RECEIPT_WORDS)} words); --words ${WORDS} gives ${RECEIPTS}`,
  );
}

// ---------------------------------------------------------------------------------------
// Counting

/** HTTP requests made through the global fetch (the chromadb client's transport). */
let httpRequests = 0;
const realFetch = globalThis.fetch;
const countingFetch = (
  /** @type {Parameters<typeof realFetch>[0]} */ input,
  /** @type {Parameters<typeof realFetch>[1]} */ init,
) => {
  httpRequests += 1;
  return realFetch(input, init);
};
Object.assign(globalThis, { fetch: countingFetch });

/** @typedef {{ get: number, upsert: number, update: number, delete: number, count: number }} CallCounts */

/**
 * A VectorCollection forwarding to `inner` and counting the calls.
 * @param {any} inner
 */
const countingCollection = (inner) => {
  /** @type {CallCounts} */
  const calls = { get: 0, upsert: 0, update: 0, delete: 0, count: 0 };
  /** @type {CallCounts} milliseconds spent in each method */
  const ms = { get: 0, upsert: 0, update: 0, delete: 0, count: 0 };
  /** @param {'get' | 'upsert' | 'update' | 'delete' | 'count'} method */
  const forward = (method) => async (/** @type {any} */ request) => {
    calls[method] += 1;
    const started = performance.now();
    try {
      return await inner[method](request);
    } finally {
      ms[method] += performance.now() - started;
    }
  };
  return {
    calls,
    ms,
    vectors: {
      get name() {
        return inner.name;
      },
      get: forward('get'),
      upsert: forward('upsert'),
      update: forward('update'),
      delete: forward('delete'),
      count: forward('count'),
    },
  };
};

/**
 * A DynamoDB client forwarding to `inner` and counting the requests.
 * @param {DynamoDBClient} inner
 */
const countingDynamo = (inner) => {
  /** @type {{ requests: number, ms: number, byType: Record<string, number>, msByType: Record<string, number> }} */
  const counter = { requests: 0, ms: 0, byType: {}, msByType: {} };
  const client = /** @type {DynamoDBClient} */ (
    /** @type {unknown} */ ({
      send: async (/** @type {any} */ command) => {
        counter.requests += 1;
        const type = String(command?.constructor?.name ?? 'unknown').replace(/Command$/, '');
        counter.byType[type] = (counter.byType[type] ?? 0) + 1;
        const started = performance.now();
        try {
          return await inner.send(command);
        } finally {
          const spent = performance.now() - started;
          counter.ms += spent;
          counter.msByType[type] = (counter.msByType[type] ?? 0) + spent;
        }
      },
    })
  );
  return { counter, client };
};

// ---------------------------------------------------------------------------------------
// Helpers

/** @param {number} ms */
const seconds = (ms) => `${fmt(ms / 1000, 1)} s`;

/** A deterministic UUID for image `n`. */
const imageId = (/** @type {number} */ n) =>
  `${n.toString(16).padStart(8, '0')}-0000-4000-8000-${(n * 7919).toString(16).padStart(12, '0')}`;

/** Receipt `index` (0-based) of the data set: two receipts per image. */
const receiptAt = (/** @type {number} */ index) => ({
  imageId: imageId(Math.floor(index / 2)),
  receiptId: (index % 2) + 1,
});

/** A small deterministic PRNG (xorshift32) returning values in [-1, 1). */
const prng = (/** @type {number} */ seed) => {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 31 - 1;
  };
};

const pad = (/** @type {number} */ value) => String(value).padStart(5, '0');
const wordId = (
  /** @type {{ imageId: string, receiptId: number }} */ receipt,
  /** @type {number} */ lineId,
  /** @type {number} */ word,
) =>
  `IMAGE#${receipt.imageId}#RECEIPT#${pad(receipt.receiptId)}#LINE#${pad(lineId)}#WORD#${pad(word)}`;

const geometry = BENCH_GEOMETRY;

/** A Python-style timestamp `n` milliseconds after a fixed instant. */
const timestamp = (/** @type {number} */ n) => {
  const date = new Date(Date.UTC(2026, 0, 4, 12, 0, 0) + n);
  return `${date.toISOString().slice(0, 19)}.${String(date.getUTCMilliseconds() * 1000).padStart(6, '0')}+00:00`;
};

// ---------------------------------------------------------------------------------------
// Main

/**
 * Bundles the package's source from the checkout `source` (this repository by default) and
 * imports it. The bundle of this checkout also exports the item writers the table is seeded
 * with; another checkout's resolves `@receipt-chroma/dynamo-stream` to its own source and
 * every other package to this repository's node_modules (it needs no install).
 * @param {string} [source] root of another checkout (`--before`)
 */
const bundleLibrary = async (source) => {
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  const root = source ?? ROOT;
  const src = (/** @type {string} */ path) =>
    JSON.stringify(join(root, 'packages/chroma-compaction/src', path));
  const outfile = source === undefined ? BUNDLE : BEFORE_BUNDLE;
  await build({
    stdin: {
      contents: `
export { processCollectionUpdates, decodeSqsRecords, toBatchItemFailures } from ${src('index.ts')};
export { chromaVectorCollection } from ${src('adapters/chroma/chromaVectorCollection.ts')};
export { startLocalChroma } from ${src('adapters/chroma/startLocalChroma.ts')};
export { DynamoReceiptStore } from ${src('adapters/dynamodb/index.ts')};
${
  source === undefined
    ? `export {
  ReceiptLineSchema, ReceiptPlaceSchema, ReceiptSchema, ReceiptWordLabelSchema, ReceiptWordSchema,
  receiptLineToItem, receiptPlaceToItem, receiptToItem, receiptWordLabelToItem, receiptWordToItem,
} from '@receipt-chroma/dynamo-stream';`
    : ''
}
`,
      resolveDir: root,
      loader: 'ts',
      sourcefile: 'processCollectionUpdates.bench-entry.ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    external: ['chromadb', '@aws-sdk/*'],
    ...(source === undefined
      ? { plugins: [workspaceSourcePlugin()] }
      : {
          alias: {
            '@receipt-chroma/dynamo-stream': join(source, 'packages/dynamo-stream/src/index.ts'),
          },
          nodePaths: [join(ROOT, 'node_modules')],
          // The checkout's own tsconfig extends a package it has no node_modules for.
          tsconfig: join(ROOT, 'tsconfig.base.json'),
        }),
    logLevel: 'warning',
  });
  return import(`${pathToFileURL(outfile).href}?t=${Date.now()}`);
};

/** The short commit of a checkout, marked when its compaction source has local changes. */
const commitOf = (/** @type {string} */ root) => {
  const commit = execSync('git rev-parse --short HEAD', { cwd: root }).toString().trim();
  const dirty = execSync('git status --porcelain -- packages/chroma-compaction/src', {
    cwd: root,
  })
    .toString()
    .trim();
  return { commit, dirty: dirty !== '' };
};

/**
 * What the messages of one batch talk about, and the messages as SQS records.
 * @param {number} batch
 * @param {number} firstReceipt index of the batch's first receipt
 */
const planBatch = (batch, firstReceipt) => {
  let next = firstReceipt;
  const take = (/** @type {number} */ count) =>
    Array.from({ length: count }, () => receiptAt(next++));
  const placeUpdates = take(MIX.placeUpdates);
  const placeRemovals = take(MIX.placeRemovals);
  const labelReceipts = [
    ...placeUpdates,
    ...placeRemovals,
    ...take(MIX.labelReceipts - MIX.placeUpdates - MIX.placeRemovals),
  ];
  const wordRemovals = take(MIX.wordRemovalReceipts);
  const receiptRemovals = take(MIX.receiptRemovals);
  const receipts = Array.from({ length: next - firstReceipt }, (_, index) =>
    receiptAt(firstReceipt + index),
  );

  /** @type {{ kind: KindKey, entity_type: string, event_name: string, entity_data: Record<string, unknown>, changes: Record<string, unknown> }[]} */
  const messages = [];
  /** Chroma ids of the words the word removals name (absent from the table). */
  const removedWords = new Set();
  /** `table#lineId` of the lines the line removals name (absent from the table). */
  const removedLines = new Set();
  /** @type {{ receipt: { imageId: string, receiptId: number }, lineId: number, wordId: number, label: string, status: string, proposedBy: string | null }[]} */
  const labels = [];
  const ref = (/** @type {{ imageId: string, receiptId: number }} */ receipt) => ({
    image_id: receipt.imageId,
    receipt_id: receipt.receiptId,
  });
  for (const receipt of placeUpdates) {
    messages.push({
      kind: 'placeUpdate',
      entity_type: 'RECEIPT_PLACE',
      event_name: 'MODIFY',
      entity_data: { ...ref(receipt), place_id: `place-${batch}` },
      changes: {
        merchant_name: { old: 'Old Store', new: `Store ${batch}` },
        formatted_address: { old: null, new: `${batch} Main St` },
        phone_number: { old: null, new: '555-0100' },
      },
    });
  }
  for (const receipt of placeRemovals) {
    messages.push({
      kind: 'placeRemoval',
      entity_type: 'RECEIPT_PLACE',
      event_name: 'REMOVE',
      entity_data: ref(receipt),
      changes: {},
    });
  }
  const names = ['LINE_TOTAL', 'PRODUCT_NAME', 'UNIT_PRICE', 'QUANTITY', 'TAX', 'SUBTOTAL'];
  for (const receipt of labelReceipts) {
    for (let index = 0; index < MIX.labelsPerReceipt; index += 1) {
      const lineId = (index % LINES_PER_RECEIPT) + 1;
      const word = (index % WORDS_PER_LINE) + 1;
      const label = names[index % names.length] ?? 'TOTAL';
      const data = { ...ref(receipt), line_id: lineId, word_id: word, label };
      // 6 in 10 validated (MODIFY), 2 proposed (INSERT), 2 removed (REMOVE; another label stays).
      if (index < 6) {
        labels.push({ receipt, lineId, wordId: word, label, status: 'VALID', proposedBy: null });
        messages.push({
          kind: 'label',
          entity_type: 'RECEIPT_WORD_LABEL',
          event_name: 'MODIFY',
          entity_data: data,
          changes: { validation_status: { old: 'PENDING', new: 'VALID' } },
        });
      } else if (index < 8) {
        labels.push({
          receipt,
          lineId,
          wordId: word,
          label,
          status: 'PENDING',
          proposedBy: 'bench',
        });
        messages.push({
          kind: 'label',
          entity_type: 'RECEIPT_WORD_LABEL',
          event_name: 'INSERT',
          entity_data: data,
          changes: {},
        });
      } else {
        labels.push({
          receipt,
          lineId,
          wordId: word,
          label: 'MERCHANT_NAME',
          status: 'INVALID',
          proposedBy: null,
        });
        messages.push({
          kind: 'label',
          entity_type: 'RECEIPT_WORD_LABEL',
          event_name: 'REMOVE',
          entity_data: data,
          changes: {},
        });
      }
    }
  }
  for (let index = 0; index < MIX.sections; index += 1) {
    const receipt = labelReceipts[index % labelReceipts.length] ?? receiptAt(firstReceipt);
    messages.push({
      kind: 'section',
      entity_type: 'RECEIPT_SECTION',
      event_name: 'MODIFY',
      entity_data: { ...ref(receipt), section_type: index % 2 === 0 ? 'HEADER' : 'ITEMS' },
      changes: {},
    });
  }
  for (const receipt of wordRemovals) {
    for (let index = 0; index < MIX.wordRemovalsPerReceipt; index += 1) {
      const lineId = (index % LINES_PER_RECEIPT) + 1;
      const word = (index % WORDS_PER_LINE) + 1;
      removedWords.add(wordId(receipt, lineId, word));
      messages.push({
        kind: 'wordRemoval',
        entity_type: 'RECEIPT_WORD',
        event_name: 'REMOVE',
        entity_data: { ...ref(receipt), line_id: lineId, word_id: word },
        changes: {},
      });
    }
  }
  for (const receipt of receiptRemovals) {
    messages.push({
      kind: 'receiptRemoval',
      entity_type: 'RECEIPT',
      event_name: 'REMOVE',
      entity_data: ref(receipt),
      changes: {},
    });
  }
  for (let index = 0; index < MIX.lineRemovals; index += 1) {
    const receipt = wordRemovals[index % wordRemovals.length] ?? receiptAt(firstReceipt);
    removedLines.add(`${tableOf(receipt)}#${LINES_PER_RECEIPT}`);
    messages.push({
      kind: 'lineRemoval',
      entity_type: 'RECEIPT_LINE',
      event_name: 'REMOVE',
      entity_data: { ...ref(receipt), line_id: LINES_PER_RECEIPT },
      changes: {},
    });
  }
  // Interleave the kinds (deterministically), then stamp increasing times.
  const random = prng(batch + 17);
  const order = messages.map((message) => ({ message, key: random() }));
  order.sort((a, b) => a.key - b.key);
  /** @type {Map<string, KindKey>} record id → kind */
  const kindOf = new Map();
  const records = order.map(({ message }, index) => {
    const messageId = `b${batch}-m${index}`;
    kindOf.set(messageId, message.kind);
    return {
      messageId,
      body: JSON.stringify({
        source: 'dynamodb_stream',
        entity_type: message.entity_type,
        entity_data: { entity_type: message.entity_type, ...message.entity_data },
        changes: message.changes,
        event_name: message.event_name,
        timestamp: timestamp(batch * 10_000 + index),
        stream_record_id: `stream-b${batch}-${index}`,
        aws_region: 'us-east-1',
      }),
    };
  });
  return {
    records,
    kindOf,
    labels,
    placeUpdates,
    receiptRemovals,
    removedWords,
    removedLines,
    receipts,
    batch,
  };
};

/** @typedef {ReturnType<typeof planBatch>} Plan */

/**
 * The table the batch's messages converge on: every item each receipt of `plan` holds
 * *after* the changes the messages announce, keyed by table (see `tableOf`). The compaction
 * code reads the state it writes from the table (a removal deletes only what the table no
 * longer has, a place message writes the table's place), so a table still holding the
 * removed words would make it skip the work the batch measures.
 * - A receipt of a `RECEIPT` REMOVE has no item at all (its table is empty).
 * - Every other receipt has its `RECEIPT` item and its lines and words, less the words of
 *   `RECEIPT_WORD` REMOVE messages and the lines of `RECEIPT_LINE` REMOVE messages (the words
 *   of a removed line that no word message names stay: the words collection ignores lines).
 * - The word labels the label messages leave (the removed label itself is gone; another
 *   label of the word stays), and the new `RECEIPT#r#PLACE` of each place MODIFY; the
 *   receipts of place REMOVE messages have no place (nor a legacy metadata row).
 * @param {any} lib the bundle of this checkout (item writers)
 * @param {Plan} plan
 * @param {(receipt: { imageId: string, receiptId: number }, item?: Record<string, unknown>) => void} add
 */
const seedItems = (lib, plan, add) => {
  const removedReceipts = new Set(plan.receiptRemovals.map(tableOf));
  for (const receipt of plan.receipts) {
    add(receipt);
    if (removedReceipts.has(tableOf(receipt))) continue;
    const point = (/** @type {number} */ x, /** @type {number} */ y) => ({ x, y });
    add(
      receipt,
      lib.receiptToItem(
        lib.ReceiptSchema.parse({
          image_id: receipt.imageId,
          receipt_id: receipt.receiptId,
          width: 1200,
          height: 3400,
          timestamp_added: '2026-01-04T12:00:00',
          raw_s3_bucket: 'raw-receipts',
          raw_s3_key: `raw/${receipt.imageId}.png`,
          top_left: point(0.1, 0.9),
          top_right: point(0.9, 0.9),
          bottom_left: point(0.1, 0.1),
          bottom_right: point(0.9, 0.1),
          ...Object.fromEntries(RECEIPT_OPTIONAL_FIELDS.map((field) => [field, null])),
        }),
      ),
    );
    for (let lineId = 1; lineId <= LINES_PER_RECEIPT; lineId += 1) {
      const base = { image_id: receipt.imageId, receipt_id: receipt.receiptId, line_id: lineId };
      if (!plan.removedLines.has(`${tableOf(receipt)}#${lineId}`)) {
        add(
          receipt,
          lib.receiptLineToItem(
            lib.ReceiptLineSchema.parse({ ...base, text: `line ${lineId}`, ...geometry }),
          ),
        );
      }
      for (let word = 1; word <= WORDS_PER_LINE; word += 1) {
        if (plan.removedWords.has(wordId(receipt, lineId, word))) continue;
        add(
          receipt,
          lib.receiptWordToItem(
            lib.ReceiptWordSchema.parse({
              ...base,
              word_id: word,
              text: `w${lineId}.${word}`,
              ...geometry,
              extracted_data: null,
            }),
          ),
        );
      }
    }
  }
  for (const label of plan.labels) {
    add(
      label.receipt,
      lib.receiptWordLabelToItem(
        lib.ReceiptWordLabelSchema.parse({
          image_id: label.receipt.imageId,
          receipt_id: label.receipt.receiptId,
          line_id: label.lineId,
          word_id: label.wordId,
          label: label.label,
          reasoning: 'bench',
          timestamp_added: '2026-01-04T12:00:00.123456+00:00',
          validation_status: label.status,
          label_proposed_by: label.proposedBy,
          label_consolidated_from: null,
        }),
      ),
    );
  }
  for (const receipt of plan.placeUpdates) {
    add(
      receipt,
      lib.receiptPlaceToItem(
        lib.ReceiptPlaceSchema.parse({
          image_id: receipt.imageId,
          receipt_id: receipt.receiptId,
          place_id: `place-${plan.batch}`,
          merchant_name: `Store ${plan.batch}`,
          formatted_address: `${plan.batch} Main St`,
          phone_number: '555-0100',
          timestamp: '2026-01-04T12:00:00.123456+00:00',
        }),
      ),
    );
  }
};

/** The nullable sha256 and CDN attributes of a `RECEIPT` item (none set here). */
const RECEIPT_OPTIONAL_FIELDS = [
  'sha256',
  'cdn_s3_bucket',
  'cdn_s3_key',
  'cdn_webp_s3_key',
  'cdn_avif_s3_key',
  'cdn_thumbnail_s3_key',
  'cdn_thumbnail_webp_s3_key',
  'cdn_thumbnail_avif_s3_key',
  'cdn_small_s3_key',
  'cdn_small_webp_s3_key',
  'cdn_small_avif_s3_key',
  'cdn_medium_s3_key',
  'cdn_medium_webp_s3_key',
  'cdn_medium_avif_s3_key',
];

/**
 * Writes items with `BatchWriteItem` (25 a request, `parallel` requests at a time).
 * @param {DynamoDBClient} client
 * @param {string} table
 * @param {Record<string, unknown>[]} items
 */
const writeItems = async (client, table, items, parallel = 4) => {
  /** @type {Record<string, unknown>[][]} */
  const chunks = [];
  for (let start = 0; start < items.length; start += 25)
    chunks.push(items.slice(start, start + 25));
  let cursor = 0;
  const worker = async () => {
    while (cursor < chunks.length) {
      const chunk = chunks[cursor++] ?? [];
      /** @type {any[]} */
      let requests = chunk.map((Item) => ({ PutRequest: { Item } }));
      while (requests.length > 0) {
        const output = await client.send(
          new BatchWriteItemCommand({ RequestItems: { [table]: requests } }),
        );
        requests = output.UnprocessedItems?.[table] ?? [];
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
};

/**
 * The moto table of one receipt. moto 5.x answers a \`Query\` by scanning every item of the
 * table in Python (DynamoDB reads one partition), so with one table for all receipts each
 * read would cost seconds and the figures would measure moto; one small table per receipt
 * keeps a read close to what a partition read costs.
 */
const tableOf = (/** @type {{ imageId: string, receiptId: number }} */ receipt) =>
  `receipt-${receipt.imageId}-${receipt.receiptId}`;

/**
 * A \`ReceiptStore\` sending each read to the \`DynamoReceiptStore\` of the receipt's table.
 * @param {any} lib
 * @param {DynamoDBClient} client
 */
const routedReceiptStore = (lib, client) => {
  /** @type {Map<string, any>} */
  const stores = new Map();
  const storeOf = (/** @type {{ imageId: string, receiptId: number }} */ ref) => {
    const tableName = tableOf(ref);
    let store = stores.get(tableName);
    if (store === undefined) {
      store = new lib.DynamoReceiptStore({ client, tableName });
      stores.set(tableName, store);
    }
    return store;
  };
  /** @param {string} method */
  const route = (method) => (/** @type {any} */ ref) => storeOf(ref)[method](ref);
  return {
    getReceipt: route('getReceipt'),
    getReceiptPlace: route('getReceiptPlace'),
    listReceiptWords: route('listReceiptWords'),
    listReceiptLines: route('listReceiptLines'),
    listWordLabels: route('listWordLabels'),
    listReceiptWordLabels: route('listReceiptWordLabels'),
    listReceiptSections: route('listReceiptSections'),
  };
};

/** `Query`/`GetItem` counts of a run, e.g. `110/25` (other request types appended). */
const readsOf = (/** @type {Record<string, number>} */ byType) => {
  const { Query = 0, GetItem = 0, ...other } = byType;
  const rest = Object.entries(other).map(([type, count]) => ` + ${count} ${type}`);
  return `${Query}/${GetItem}${rest.join('')}`;
};
const requestsOf = (/** @type {Record<string, number>} */ byType) =>
  Object.values(byType).reduce((a, b) => a + b, 0);
/** The same in words, e.g. "10 `Query` + 10 `GetItem`". */
const readsText = (/** @type {Record<string, number>} */ byType) => {
  const parts = Object.entries(byType)
    .filter(([, count]) => count > 0)
    .map(([type, count]) => `${count} \`${type}\``);
  return parts.length === 0 ? 'no request' : parts.join(' + ');
};

/**
 * @typedef {{ ms: number, calls: CallCounts, portCalls: number, http: number, dynamo: number,
 *   dynamoByType: Record<string, number>, dynamoMsByType: Record<string, number>,
 *   chromaMs: CallCounts, dynamoMs: number,
 *   counts: { applied: number, skipped: number, failed: number },
 *   byKind: Map<KindKey, { applied: number, skipped: number, failed: number }>,
 *   messages: number, written: number, deleted: number }} Run
 */

const main = async () => {
  const started = Date.now();
  const load = loadavg()[0] ?? 0;
  const lib = await bundleLibrary();
  const beforeLib = BEFORE === undefined ? undefined : await bundleLibrary(BEFORE);
  const here = commitOf(ROOT);
  const before = BEFORE === undefined ? undefined : commitOf(BEFORE);
  const { startMoto } = await import(pathToFileURL(join(ROOT, 'scripts/services/moto.mjs')).href);
  const { chromaNodeCommand } = await import(
    pathToFileURL(join(ROOT, 'scripts/services/chroma.mjs')).href
  );
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-compaction-'));
  /** @type {any} */
  let moto;
  /** @type {any} */
  let chroma;
  try {
    [moto, chroma] = await Promise.all([
      startMoto(),
      (async () => startLocalChroma(lib, (await chromaNodeCommand()).command, dataDir))(),
    ]);
    const dynamo = new DynamoDBClient({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    // The batches, on receipts of their own.
    const plans = Array.from({ length: BATCHES }, (_, batch) =>
      planBatch(batch, batch * RECEIPTS_PER_BATCH),
    );

    // DynamoDB: the table after the batches' changes (see `seedItems`), one moto table per
    // receipt (see `tableOf`).
    const log = (/** @type {string} */ line) => process.stderr.write(`${line}\n`);
    const receiptCount = plans.reduce((total, plan) => total + plan.receipts.length, 0);
    log(`Writing the ${fmt(receiptCount)} receipts of ${BATCHES} batches to moto…`);
    let clock = performance.now();
    /** @type {Map<string, Record<string, unknown>[]>} table name → items */
    const tables = new Map();
    const add = (
      /** @type {{ imageId: string, receiptId: number }} */ receipt,
      /** @type {Record<string, unknown> | undefined} */ item,
    ) => {
      const name = tableOf(receipt);
      const items = tables.get(name) ?? [];
      if (item !== undefined) items.push(item);
      tables.set(name, items);
    };
    for (const plan of plans) seedItems(lib, plan, add);
    let itemCount = 0;
    const pending = [...tables];
    const loadTables = async () => {
      for (let next = pending.shift(); next !== undefined; next = pending.shift()) {
        const [name, items] = next;
        await dynamo.send(
          new CreateTableCommand({
            TableName: name,
            BillingMode: 'PAY_PER_REQUEST',
            AttributeDefinitions: [
              { AttributeName: 'PK', AttributeType: 'S' },
              { AttributeName: 'SK', AttributeType: 'S' },
            ],
            KeySchema: [
              { AttributeName: 'PK', KeyType: 'HASH' },
              { AttributeName: 'SK', KeyType: 'RANGE' },
            ],
          }),
        );
        await writeItems(dynamo, name, items, 1);
        itemCount += items.length;
      }
    };
    await Promise.all(Array.from({ length: 4 }, loadTables));
    const dynamoLoadMs = performance.now() - clock;
    log(`  ${fmt(itemCount)} items in ${seconds(dynamoLoadMs)}`);

    // Chroma: the word vectors.
    log(`Adding ${fmt(WORDS)} vectors of dimension ${DIMENSION} to Chroma…`);
    const collection = await chroma.client.createCollection({
      name: COLLECTION,
      embeddingFunction: null,
    });
    clock = performance.now();
    const random = prng(42);
    for (let start = 0; start < RECEIPTS * RECEIPT_WORDS; start += LOAD_BATCH) {
      const ids = [];
      const embeddings = [];
      const metadatas = [];
      const documents = [];
      const end = Math.min(start + LOAD_BATCH, RECEIPTS * RECEIPT_WORDS);
      for (let position = start; position < end; position += 1) {
        const index = Math.floor(position / RECEIPT_WORDS);
        const receipt = receiptAt(index);
        const within = position % RECEIPT_WORDS;
        const lineId = Math.floor(within / WORDS_PER_LINE) + 1;
        const word = (within % WORDS_PER_LINE) + 1;
        ids.push(wordId(receipt, lineId, word));
        const vector = new Array(DIMENSION);
        for (let d = 0; d < DIMENSION; d += 1) vector[d] = random();
        embeddings.push(vector);
        documents.push(`w${lineId}.${word}`);
        metadatas.push({
          image_id: receipt.imageId,
          receipt_id: receipt.receiptId,
          line_id: lineId,
          word_id: word,
          text: `w${lineId}.${word}`,
          x: 0.1,
          y: 0.25,
          width: 0.5,
          height: 0.05,
          confidence: 0.9,
          left: `w${lineId}.${word - 1}`,
          right: `w${lineId}.${word + 1}`,
          merchant_name: 'Old Store',
          label_status: 'unvalidated',
        });
      }
      await collection.add({ ids, embeddings, metadatas, documents });
      if ((start / LOAD_BATCH) % 4 === 3)
        log(`  ${fmt(end)} (${seconds(performance.now() - clock)})`);
    }
    const chromaLoadMs = performance.now() - clock;
    const stored = await collection.count();
    log(`  ${fmt(stored)} vectors in ${seconds(chromaLoadMs)}`);

    /**
     * Runs `records` through `processCollectionUpdates` of `code`, counting the round trips;
     * stops the script when a message fails or a kind is not applied / skipped as expected.
     * @param {any} code a bundle of the package
     * @param {Plan} plan
     * @param {{ records: { messageId: string, body: string }[], maxBatchSize: number | undefined, what: string }} batch
     * @returns {Promise<Run>}
     */
    const runBatch = async (code, plan, { records, maxBatchSize, what }) => {
      const { inputs, failures } = code.decodeSqsRecords(records);
      if (failures.length > 0) throw new Error(`undecodable messages: ${failures[0].reason}`);
      const counted = countingCollection(code.chromaVectorCollection(collection));
      const dynamoCounted = countingDynamo(dynamo);
      const receipts = routedReceiptStore(code, dynamoCounted.client);
      const httpBefore = httpRequests;
      const t0 = performance.now();
      const result = await code.processCollectionUpdates(inputs, COLLECTION, {
        vectors: counted.vectors,
        receipts,
        maxBatchSize,
      });
      const ms = performance.now() - t0;
      const http = httpRequests - httpBefore;
      const retried = code.toBatchItemFailures(result, { records }).batchItemFailures;
      if (result.counts.failed > 0 || retried.length > 0) {
        const failed = result.outcomes.find(
          (/** @type {any} */ outcome) => outcome.status === 'failed',
        );
        throw new Error(
          `${what}: ${result.counts.failed} failed messages (first: ${failed?.reason}: ${failed?.error?.message})`,
        );
      }
      /** @type {Run['byKind']} */
      const byKind = new Map();
      /** @type {Map<KindKey, string>} */
      const otherReason = new Map();
      for (const outcome of result.outcomes) {
        const kind = plan.kindOf.get(outcome.recordId);
        if (kind === undefined) throw new Error(`${what}: outcome for unknown ${outcome.recordId}`);
        const counts = byKind.get(kind) ?? { applied: 0, skipped: 0, failed: 0 };
        counts[/** @type {'applied' | 'skipped' | 'failed'} */ (outcome.status)] += 1;
        byKind.set(kind, counts);
        const expected = KINDS.find((entry) => entry.key === kind)?.outcome;
        if (outcome.status !== expected && !otherReason.has(kind)) {
          otherReason.set(kind, `${outcome.status}: ${outcome.reason}`);
        }
      }
      if (otherReason.size > 0) {
        const detail = [...otherReason]
          .map(([kind, reason]) => {
            const counts = byKind.get(kind);
            return `${kind} ${counts?.applied} applied / ${counts?.skipped} skipped (expected every one ${KINDS.find((entry) => entry.key === kind)?.outcome}; first other: ${reason})`;
          })
          .join('; ');
        throw new Error(`${what}: unexpected outcomes: ${detail}`);
      }
      const run = {
        ms,
        calls: counted.calls,
        portCalls: Object.values(counted.calls).reduce((a, b) => a + b, 0),
        http,
        dynamo: dynamoCounted.counter.requests,
        dynamoByType: dynamoCounted.counter.byType,
        dynamoMsByType: dynamoCounted.counter.msByType,
        chromaMs: { ...counted.ms },
        dynamoMs: dynamoCounted.counter.ms,
        counts: result.counts,
        byKind,
        messages: inputs.length,
        written: result.totalMetadataUpdated + result.totalLabelsUpdated,
        deleted: result.totalDeletions,
      };
      const spent = Object.entries(counted.ms)
        .filter(([, value]) => value > 0)
        .map(([method, value]) => `${method} ${seconds(value)}`)
        .join(', ');
      log(
        `  ${what}: ${seconds(ms)}, ${fmt((inputs.length / ms) * 1000, 1)} msg/s, ${result.counts.applied} applied, ${result.counts.skipped} skipped, ${result.counts.failed} failed; ${run.portCalls} Chroma calls (${spent}), ${http} HTTP, ${run.dynamo} DynamoDB (Query/GetItem ${readsOf(run.dynamoByType)}, ${seconds(dynamoCounted.counter.ms)})`,
      );
      return run;
    };

    // The runs.
    const beforeName = before === undefined ? '' : `${before.commit}${before.dirty ? '+' : ''}`;
    /** @typedef {{ key: string, label: string, code: any, maxBatchSize: number | undefined, runs: Run[] }} Variant */
    /** @type {Variant[]} */
    const variants = [
      {
        key: 'batched',
        label: 'batched (maxBatchSize 250, default)',
        code: lib,
        maxBatchSize: undefined,
        runs: [],
      },
    ];
    if (beforeLib !== undefined) {
      variants.push({
        key: 'before',
        label: `before: the code of ${beforeName}, batched (maxBatchSize 250)`,
        code: beforeLib,
        maxBatchSize: undefined,
        runs: [],
      });
    }
    if (BASELINE_RUNS > 0) {
      variants.push({
        key: 'baseline',
        label: 'baseline: one record per Chroma request (maxBatchSize 1)',
        code: lib,
        maxBatchSize: 1,
        runs: [],
      });
    }
    const variantOf = (/** @type {string} */ key) => variants.find((entry) => entry.key === key);
    /** @type {{ variant: Variant, timed: boolean }[]} */
    const schedule = [];
    for (const key of ['batched', 'before']) {
      const variant = variantOf(key);
      if (variant !== undefined) schedule.push({ variant, timed: false });
    }
    const runsOf = { batched: RUNS, before: BEFORE_RUNS, baseline: BASELINE_RUNS };
    for (let index = 0; index < Math.max(RUNS, BEFORE_RUNS, BASELINE_RUNS); index += 1) {
      for (const variant of variants) {
        if (index < (runsOf[/** @type {keyof typeof runsOf} */ (variant.key)] ?? 0)) {
          schedule.push({ variant, timed: true });
        }
      }
    }
    let nextPlan = 0;
    for (const { variant, timed } of schedule) {
      const batch = nextPlan++;
      const plan = plans[batch];
      if (plan === undefined) throw new Error('missing plan');
      const run = await runBatch(variant.code, plan, {
        records: plan.records,
        maxBatchSize: variant.maxBatchSize,
        what: `${(timed ? variant.key : 'warmup').padEnd(8)} batch ${batch}`,
      });
      if (timed) variant.runs.push(run);
    }

    // One batch per version, one kind at a time, in the order the phases run.
    /** @type {{ key: 'after' | 'before', commit: string, runs: Map<KindKey, Run> }[]} */
    const byKind = [];
    for (const [key, code] of /** @type {const} */ ([
      ['after', lib],
      ['before', beforeLib],
    ])) {
      if (code === undefined) continue;
      const batch = nextPlan++;
      const plan = plans[batch];
      if (plan === undefined) throw new Error('missing plan');
      /** @type {Map<KindKey, Run>} */
      const runs = new Map();
      for (const kind of KINDS) {
        const records = plan.records.filter(
          (record) => plan.kindOf.get(record.messageId) === kind.key,
        );
        runs.set(
          kind.key,
          await runBatch(code, plan, {
            records,
            maxBatchSize: undefined,
            what: `${key} ${kind.key} alone (batch ${batch})`,
          }),
        );
      }
      byKind.push({
        key,
        commit: key === 'after' ? here.commit : beforeName,
        runs,
      });
    }

    // Report.
    const summary = variants.map((variant) => {
      const runs = variant.runs;
      const first = runs[0];
      if (first === undefined) throw new Error(`no runs of ${variant.key}`);
      const time = summarize(runs.map((run) => run.ms));
      const rate = summarize(runs.map((run) => (MESSAGES / run.ms) * 1000));
      const rateWithoutDynamo = summarize(
        runs.map((run) => (MESSAGES / (run.ms - run.dynamoMs)) * 1000),
      );
      const chromaMs = summarize(
        runs.map((run) => Object.values(run.chromaMs).reduce((a, b) => a + b, 0)),
      );
      const dynamoMs = summarize(runs.map((run) => run.dynamoMs));
      const updateMs = summarize(runs.map((run) => run.chromaMs.update / run.calls.update));
      // Counts are deterministic; say so if two runs of a variant disagree.
      const same = runs.every(
        (run) =>
          readsOf(run.dynamoByType) === readsOf(first.dynamoByType) &&
          run.portCalls === first.portCalls,
      );
      if (!same) log(`  note: the ${variant.key} runs do not all make the same calls`);
      return {
        key: variant.key,
        label: variant.label,
        runs: runs.length,
        timeMs: time,
        messagesPerSecond: rate,
        messagesPerSecondWithoutDynamo: rateWithoutDynamo,
        chromaMs,
        dynamoMs,
        updateMs,
        portCalls: first.portCalls,
        chromaCallsPerMessage: first.portCalls / MESSAGES,
        calls: first.calls,
        httpPerMessage: first.http / MESSAGES,
        dynamoPerMessage: first.dynamo / MESSAGES,
        dynamoByType: first.dynamoByType,
        sameCountsEveryRun: same,
        counts: first.counts,
        written: first.written,
        deleted: first.deleted,
      };
    });
    const batched = summary.find((row) => row.key === 'batched');
    const baseline = summary.find((row) => row.key === 'baseline');
    const beforeRow = summary.find((row) => row.key === 'before');
    if (batched === undefined) throw new Error('no results');
    const range = (/** @type {{ median: number, min: number, max: number }} */ value) =>
      `${seconds(value.median)} (${fmt(value.min / 1000, 1)}–${fmt(value.max / 1000, 1)})`;
    const markdown = [
      '| Variant | Runs | Batch time, median (min–max) | Messages/s | Messages/s without the DynamoDB time | Time in Chroma calls | Time in DynamoDB (moto) | Chroma calls per message (get/update/delete) | Chroma HTTP requests per message | DynamoDB requests per message (Query/GetItem per batch) |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...summary.map(
        (row) =>
          `| ${row.label} | ${row.runs} | ${range(row.timeMs)} | **${fmt(row.messagesPerSecond.median, 1)}** | **${fmt(row.messagesPerSecondWithoutDynamo.median, 1)}** | ${seconds(row.chromaMs.median)} | ${seconds(row.dynamoMs.median)} | ${fmt(row.chromaCallsPerMessage, 3)} (${row.calls.get}/${row.calls.update}/${row.calls.delete}) | ${fmt(row.httpPerMessage, 3)} | ${fmt(row.dynamoPerMessage, 3)} (${readsOf(row.dynamoByType)}) |`,
      ),
    ].join('\n');
    const gain =
      baseline === undefined
        ? ''
        : `Batching gain: ${fmt(batched.messagesPerSecond.median / baseline.messagesPerSecond.median, 1)}x messages/s end to end, ${fmt(batched.messagesPerSecondWithoutDynamo.median / baseline.messagesPerSecondWithoutDynamo.median, 1)}x without the DynamoDB time; ${fmt(baseline.chromaCallsPerMessage / batched.chromaCallsPerMessage, 1)}x fewer Chroma calls per message.`;
    const change = (/** @type {number} */ from, /** @type {number} */ to) =>
      `${to >= from ? '+' : '−'}${fmt((Math.abs(to - from) / from) * 100)}%`;
    const versus =
      beforeRow === undefined
        ? ''
        : `Before (${beforeName}) → after (${here.commit}), batched: DynamoDB requests per message ${fmt(beforeRow.dynamoPerMessage, 3)} → ${fmt(batched.dynamoPerMessage, 3)} (Query/GetItem per batch ${readsOf(beforeRow.dynamoByType)} → ${readsOf(batched.dynamoByType)}); median time in DynamoDB ${seconds(beforeRow.dynamoMs.median)} → ${seconds(batched.dynamoMs.median)}; median batch time ${seconds(beforeRow.timeMs.median)} → ${seconds(batched.timeMs.median)} (${change(beforeRow.timeMs.median, batched.timeMs.median)}); Chroma calls per message ${fmt(beforeRow.chromaCallsPerMessage, 3)} → ${fmt(batched.chromaCallsPerMessage, 3)}.`;
    // What one request of each type cost on moto, over every timed batch.
    /** @type {Record<string, { count: number, ms: number }>} */
    const perType = {};
    for (const run of variants.flatMap((variant) => variant.runs)) {
      for (const [type, count] of Object.entries(run.dynamoByType)) {
        const entry = perType[type] ?? { count: 0, ms: 0 };
        entry.count += count;
        entry.ms += run.dynamoMsByType[type] ?? 0;
        perType[type] = entry;
      }
    }
    const meanMs = (/** @type {string} */ type) => {
      const entry = perType[type];
      return entry === undefined || entry.count === 0 ? 0 : entry.ms / entry.count;
    };
    const motoCost = Object.keys(perType)
      .sort()
      .map((type) => `a \`${type}\` ${fmt(meanMs(type))} ms`)
      .join(', ');
    const extraMs =
      beforeRow === undefined
        ? 0
        : Object.keys({ ...beforeRow.dynamoByType, ...batched.dynamoByType }).reduce(
            (total, type) =>
              total +
              ((batched.dynamoByType[type] ?? 0) - (beforeRow.dynamoByType[type] ?? 0)) *
                meanMs(type),
            0,
          );
    const costNote =
      `On moto, over every timed batch, a request took on average: ${motoCost}.` +
      (beforeRow === undefined
        ? ''
        : ` The requests added since ${beforeName} should so cost about ${seconds(extraMs)} a batch on moto (each request waits for the one before it); the medians above differ by ${seconds(batched.dynamoMs.median - beforeRow.dynamoMs.median)} in DynamoDB and ${seconds(batched.timeMs.median - beforeRow.timeMs.median)} in all (single batches took ${range(beforeRow.timeMs)} before, ${range(batched.timeMs)} after).`) +
      (baseline === undefined
        ? ''
        : ` The baseline makes the same DynamoDB requests as the batched variant, yet spent a median ${seconds(baseline.dynamoMs.median)} in them against ${seconds(batched.dynamoMs.median)}: that much moto's time varies here.`);
    const outcomeOf = (/** @type {(typeof summary)[number]} */ row) =>
      `${row.counts.applied} applied, ${row.counts.skipped} skipped, ${row.counts.failed} failed; ${fmt(row.written)} records written, ${fmt(row.deleted)} deleted`;
    const outcomes = new Set(summary.map(outcomeOf));
    const outcome =
      outcomes.size === 1
        ? `Every batch of ${summary.length === 1 ? 'the variant' : `all ${summary.length} variants`}: ${outcomeOf(batched)} (expected: ${EXPECTED.applied} applied, ${EXPECTED.skipped} skipped).`
        : summary.map((row) => `${row.label}: ${outcomeOf(row)}.`).join('\n');

    // DynamoDB reads (and Chroma calls) by kind of message.
    const after = byKind.find((entry) => entry.key === 'after');
    const beforeKinds = byKind.find((entry) => entry.key === 'before');
    if (after === undefined) throw new Error('no per-kind runs');
    /** @param {Map<KindKey, Run>} runs */
    const sumOf = (runs) => {
      /** @type {Record<string, number>} */
      const byType = {};
      for (const run of runs.values()) {
        for (const [type, count] of Object.entries(run.dynamoByType)) {
          byType[type] = (byType[type] ?? 0) + count;
        }
      }
      return byType;
    };
    const kindOutcome = (/** @type {Run | undefined} */ run) => {
      const counts = run === undefined ? undefined : [...run.byKind.values()][0];
      if (counts === undefined) return '';
      return ['applied', 'skipped', 'failed']
        .filter((status) => counts[/** @type {'applied'} */ (status)] > 0)
        .map((status) => `${counts[/** @type {'applied'} */ (status)]} ${status}`)
        .join(', ');
    };
    const withBefore = beforeKinds !== undefined;
    const kindHeader = withBefore
      ? `| Messages | Kind | Before (${beforeName}): Query/GetItem | Before: per message | After (${here.commit}): Query/GetItem | After: per message | Outcome (both) |`
      : `| Messages | Kind | Query/GetItem | Requests per message | Outcome |`;
    const kindAlign = withBefore
      ? '| ---: | --- | ---: | ---: | ---: | ---: | --- |'
      : '| ---: | --- | ---: | ---: | --- |';
    const kindRow = (
      /** @type {string | number} */ messages,
      /** @type {string} */ name,
      /** @type {Record<string, number> | undefined} */ beforeReads,
      /** @type {Record<string, number>} */ afterReads,
      /** @type {number} */ count,
      /** @type {string} */ result,
    ) =>
      withBefore
        ? `| ${messages} | ${name} | ${beforeReads === undefined ? '' : readsOf(beforeReads)} | ${beforeReads === undefined ? '' : fmt(requestsOf(beforeReads) / count, 3)} | ${readsOf(afterReads)} | ${fmt(requestsOf(afterReads) / count, 3)} | ${result} |`
        : `| ${messages} | ${name} | ${readsOf(afterReads)} | ${fmt(requestsOf(afterReads) / count, 3)} | ${result} |`;
    const firstBefore = beforeRow === undefined ? undefined : variantOf('before')?.runs[0];
    const firstAfter = variantOf('batched')?.runs[0];
    if (firstAfter === undefined) throw new Error('no batched run');
    const kindsMarkdown = [
      kindHeader,
      kindAlign,
      ...KINDS.map((kind) => {
        const run = after.runs.get(kind.key);
        if (run === undefined) throw new Error(`no run of ${kind.key}`);
        return kindRow(
          kind.messages,
          kind.short,
          beforeKinds?.runs.get(kind.key)?.dynamoByType,
          run.dynamoByType,
          kind.messages,
          kindOutcome(run),
        );
      }),
      kindRow(
        MESSAGES,
        'sum of the kinds, each sent alone',
        beforeKinds === undefined ? undefined : sumOf(beforeKinds.runs),
        sumOf(after.runs),
        MESSAGES,
        `${EXPECTED.applied} applied, ${EXPECTED.skipped} skipped`,
      ),
      kindRow(
        MESSAGES,
        '**the whole batch, in one call** (timed runs)',
        firstBefore?.dynamoByType,
        firstAfter.dynamoByType,
        MESSAGES,
        `${firstAfter.counts.applied} applied, ${firstAfter.counts.skipped} skipped`,
      ),
    ].join('\n');
    const sharedSaving = requestsOf(sumOf(after.runs)) - requestsOf(firstAfter.dynamoByType);
    process.stdout.write(
      `\n${markdown}\n\n${[gain, versus].filter(Boolean).join('\n')}\n${outcome}\n\nDynamoDB requests by kind of message:\n\n${kindsMarkdown}\n\nShared reads saved in the whole batch: ${sharedSaving}.\n${costNote}\n`,
    );

    // Chroma calls by kind (batched, measured) and as the baseline makes them (derived).
    const callsOf = (/** @type {Run | undefined} */ run) =>
      run === undefined
        ? ''
        : `${run.portCalls} (${run.calls.get}/${run.calls.update}/${run.calls.delete})`;
    /** @type {Record<KindKey, [string, string]>} what a kind costs, batched and one by one */
    const chromaWork = {
      placeUpdate: [
        'one `get` and one `update` per receipt',
        `${2 * MIX.placeUpdates * RECEIPT_WORDS} (one of each per word)`,
      ],
      placeRemoval: [
        'one `get` and one `update` per receipt',
        `${2 * MIX.placeRemovals * RECEIPT_WORDS} (one of each per word)`,
      ],
      label: [
        'one `get` and one `update` per receipt',
        `${2 * MIX.labelReceipts * MIX.labelsPerReceipt} (one of each per word)`,
      ],
      section: ['none', '0'],
      wordRemoval: [
        'one `get` and one `delete` for all of them',
        `${2 * MIX.wordRemovalReceipts * MIX.wordRemovalsPerReceipt}`,
      ],
      receiptRemoval: [
        'one `get` by metadata and one `delete` per receipt',
        `${MIX.receiptRemovals * (2 * RECEIPT_WORDS + 1)} (the read by metadata pages one record at a time)`,
      ],
      lineRemoval: ['none', '0'],
    };
    const chromaMarkdown = [
      '| Messages | Kind | Batched: calls (get/update/delete), measured | Baseline: calls |',
      '| ---: | --- | --- | ---: |',
      ...KINDS.map(
        (kind) =>
          `| ${kind.messages} | ${kind.short} | ${callsOf(after.runs.get(kind.key))}: ${chromaWork[kind.key][0]} | ${chromaWork[kind.key][1]} |`,
      ),
    ].join('\n');
    const baselineTotal = Object.values(chromaWork).reduce(
      (total, [, calls]) => total + Number.parseInt(calls, 10),
      0,
    );
    const baselineCheck =
      baseline === undefined
        ? ''
        : baselineTotal === baseline.portCalls
          ? ` (${fmt(baselineTotal)} calls in all, as the baseline batches measured)`
          : ` (${fmt(baselineTotal)} calls in all; the baseline batches measured ${fmt(baseline.portCalls)})`;
    const updateCost =
      baseline === undefined
        ? `in this run a batched \`update\` (10 to 50 records) took about ${fmt(batched.updateMs.median)} ms (time in \`update\` calls divided by their number)`
        : `in this run a batched \`update\` (10 to 50 records) took about ${fmt(batched.updateMs.median)} ms and a one-record \`update\` ${fmt(baseline.updateMs.median)} ms (time in \`update\` calls divided by their number)`;

    if (WRITE_RESULTS) {
      const command = `node bench/compaction/processCollectionUpdates.mjs${argv
        .filter((arg) => arg !== '--json')
        .map((arg) => ` ${arg}`)
        .join('')}`;
      const placeUpdateReads = after.runs.get('placeUpdate')?.dynamoByType ?? {};
      const placeRemovalReads = after.runs.get('placeRemoval')?.dynamoByType ?? {};
      const wordRemovalReads = after.runs.get('wordRemoval')?.dynamoByType ?? {};
      const receiptRemovalReads = after.runs.get('receiptRemoval')?.dynamoByType ?? {};
      writeFileSync(
        RESULTS,
        `# Benchmark: processCollectionUpdates against a local Chroma and moto

Reproduce with

    ${command}

from the repository root (no build needed: it bundles the package source with esbuild; it
starts and stops its own Chroma and moto servers).${
          BEFORE === undefined
            ? ''
            : ` The \`--before\` directory is a checkout of the
commit to compare with, made with \`git worktree add ../wt-before ${before?.commit}\`${ISSUE_8_BASE.startsWith(before?.commit ?? '-') ? '\n(the commit before issue 8, "converge on DynamoDB")' : ''}. It needs no \`npm ci\`: its source is
bundled the same way, with \`@receipt-chroma/dynamo-stream\` taken from its own
\`packages/dynamo-stream/src\` and every other package from this repository's node_modules.`
        }

- Date: ${new Date(started).toISOString()}
- Commit: ${here.commit}${here.dirty ? ' (with uncommitted changes in packages/chroma-compaction/src)' : ''}${before === undefined ? '' : `; before: ${before.commit}${before.dirty ? ' (with uncommitted changes)' : ''}`}
- Machine: ${cpus().length} CPUs, ${cpus()[0]?.model ?? 'unknown'}, ${fmt(totalmem() / 2 ** 30)} GiB, Node ${process.version}
- 1-minute load average when the run started: ${fmt(load, 2)} (the machine is shared: other work skews the
  timings; the request counts are deterministic)
- Chroma: local server (\`chroma run\` of chromadb ${chromaVersion()}), one \`words\` collection
  of ${fmt(stored)} vectors, dimension ${DIMENSION}${DIMENSION === 1536 ? '' : ' (not the production 1,536: see below)'}, ${RECEIPT_WORDS} words per receipt
  (${LINES_PER_RECEIPT} lines of ${WORDS_PER_LINE}), 14 metadata keys and a document per word.
- DynamoDB: moto's server holding the table the batches converge on (the ${fmt(receiptCount)} receipts
  the batches touch, as they are after the changes the messages announce: see "What a batch
  holds"; ${fmt(itemCount)} items), one table per receipt.
- Loading took ${seconds(chromaLoadMs)} (Chroma, requests of ${fmt(LOAD_BATCH)}) and ${seconds(dynamoLoadMs)} (moto).

${markdown}

${[gain, versus].filter(Boolean).join('\n')}
${outcome}

moto's \`Query\` reads every item of the table (moto 5.x scans the table in Python, where
DynamoDB reads one partition), so the bench gives every receipt a moto table of its own
(~${fmt(itemCount / receiptCount)} items) and reads it through a \`DynamoReceiptStore\` per table; even so
moto's requests are slower than DynamoDB's. The column without the DynamoDB time (the batch
time minus the time spent in DynamoDB requests; the phases send one request at a time, so the
two do not overlap) is the figure for the compaction code and Chroma alone.
${costNote}

## DynamoDB reads per message

Requests the \`ReceiptStore\` sends (counted at the DynamoDB client, by command), for one batch
of the mix below, on the same table${withBefore ? ` for both versions: before is the code of ${beforeName}${ISSUE_8_BASE.startsWith(before?.commit ?? '-') ? ', the commit before issue 8' : ''}; after is ${here.commit}` : ''}. Each kind was
also sent alone, in a call of its own (one batch's messages, kind by kind, in the order the
phases run); the counts do not depend on the collection's size or on timing.

${kindsMarkdown}

Why the reads${withBefore ? ` added since the code of ${beforeName}` : ''} are needed (the compaction code now reads the state it writes
from the table, so any order, duplicate or retry of messages ends in the same collection):

- \`RECEIPT_PLACE\` MODIFY (${readsText(placeUpdateReads)} for ${MIX.placeUpdates} receipts): one \`GetItem\` of \`RECEIPT#r#PLACE\`, because the place written
  is the table's, not the message's \`changes\` (a late or duplicated MODIFY must not write an
  older place); the \`Query\` of the receipt's words (the ids to update) was already there.
- \`RECEIPT_PLACE\` REMOVE (${readsText(placeRemovalReads)} for ${MIX.placeRemovals} receipts): the \`GetItem\` of the place finds nothing, so a second
  \`GetItem\` looks for a legacy \`RECEIPT#r#METADATA\` row, which still gives the receipt a place;
  only when neither exists are the place keys removed.
- \`RECEIPT_WORD\` REMOVE (${readsText(wordRemovalReads)} for ${MIX.wordRemovalReceipts} receipts): one \`Query\` of the receipt's words per receipt (not per
  message: ${fmt(requestsOf(wordRemovalReads) / (MIX.wordRemovalReceipts * MIX.wordRemovalsPerReceipt), 2)} per message with ${MIX.wordRemovalsPerReceipt} words a receipt), so an embedding is deleted only when the
  table no longer has the word (a word created again keeps its embedding).
- \`RECEIPT\` REMOVE (${readsText(receiptRemovalReads)} for ${MIX.receiptRemovals} receipts): one \`GetItem\` of the \`RECEIPT\` item: a receipt that exists again
  (deleted and re-created) keeps the embeddings of the words it has; the \`Query\` of its words
  was already there.
- \`RECEIPT_WORD_LABEL\`: unchanged, one \`Query\` of the receipt's labels per receipt (\`listWordLabels\`
  for a receipt with one labelled word). \`RECEIPT_SECTION\` and \`RECEIPT_LINE\` REMOVE on \`words\`
  read nothing: they are skipped before any read. \`RECEIPT_LINE\` REMOVE on \`lines\` reads the
  receipt's lines, one \`Query\` per receipt.
- Not in this mix: a \`COMPACTION_RUN\` delta message reads \`getReceipt\` first (a run of a
  deleted receipt is skipped), and a merged receipt is then refreshed from the table (its
  words, place and labels).

Reads are grouped per receipt by each phase, and \`processCollectionUpdates\` shares them across
the phases of one call (\`BatchReceiptStore\`: each distinct read once per call). In this mix
no phase repeats another's read (a place receipt's place and words are read by the place phase,
its labels by the label phase), so the whole batch costs the sum of its kinds (${sharedSaving === 0 ? 'no read saved' : `${sharedSaving} reads saved`}). The sharing
saves reads where phases overlap on a receipt: the refresh of a merged receipt lists its words
once for the prune, the place sync and the label rebuild (three \`Query\`s otherwise), and
those reads, its place and its labels serve the batch's place, label and removal messages of
that receipt too; a receipt with a place message and word removals, or a receipt removal, in
one batch reads its words once.

## What a batch holds

${MESSAGES} SQS records (decoded by \`decodeSqsRecords\` before the clock starts), interleaved,
on ${RECEIPTS_PER_BATCH} receipts no other batch touches:

| Messages | Kind | Chroma work | Table (moto) after the change |
| ---: | --- | --- | --- |
${KINDS.map((kind) => `| ${kind.messages} | ${kind.name} | ${kind.chroma} | ${TABLE_STATE[kind.key]} |`).join('\n')}

Every receipt but the removed ones has its \`RECEIPT\` item, ${LINES_PER_RECEIPT} lines and ${RECEIPT_WORDS} words in the table (less
those removed), so no message is skipped for a receipt the table lacks. The outcomes must be:
${KINDS.map((kind) => `${kind.short} ${kind.outcome}`).join(', ')} (the script stops otherwise).

## Where the Chroma calls of a batch go

${chromaMarkdown}

The batched column is measured (${after.commit}, each kind sent alone); the baseline column is
what \`maxBatchSize: 1\` makes of the same work${baselineCheck}. The cost is mostly per
request, not per record: ${updateCost}, so the label messages, which still cost one \`get\`
and one \`update\` per receipt, are most of what is left.

## Method

- One untimed warm-up batch per version of the code, then ${RUNS} batched${BEFORE_RUNS > 0 ? `, ${BEFORE_RUNS} before` : ''} and ${BASELINE_RUNS} baseline batches, alternating;
  then one batch per version sent kind by kind.
  Each batch works on receipts of its own with the same mix, so every run does the same
  work without rebuilding the collection (a replay would find labels already written and
  skip them, which is cheaper).
- The clock covers \`processCollectionUpdates(inputs, 'words', { vectors, receipts })\` only:
  \`vectors\` is \`chromaVectorCollection\` over the chromadb 3.x collection, \`receipts\` reads
  moto through \`DynamoReceiptStore\` (one per receipt table, see above).
- Chroma calls are the \`VectorCollection\` calls, counted by a wrapper; Chroma HTTP requests
  are the chromadb client's \`fetch\` calls in the same interval. DynamoDB requests are
  counted by wrapping the client's \`send\`, by command (\`Query\`, \`GetItem\`).
- The baseline is the same code with \`maxBatchSize: 1\`: every Chroma \`get\`, \`update\` and
  \`delete\` carries one record (and the paged read of a receipt's records by metadata reads
  one record a page), i.e. one Chroma call per word, as a per-word loop would make.
- Dimension: ${DIMENSION === 1536 ? 'the production 1,536.' : `${DIMENSION}, because adding 100,000 vectors of 1,536 dimensions to a local Chroma took about 50 s per 10,000 on this 2-core machine (over 8 minutes for the set), against about 3 minutes for 384. The benchmark reads and writes metadata only (no embeddings are read or written), so the dimension should matter little; pass \`--dimension 1536\` to measure with the real size.`}
- Every batch must end with no failed message (checked with \`toBatchItemFailures\` too) and
  with every kind applied or skipped as expected, or the script stops.
`,
      );
      // The repository's formatter aligns markdown tables; keep the file as it would leave it.
      spawnSync(join(ROOT, 'node_modules/.bin/biome'), ['format', '--write', RESULTS], {
        cwd: ROOT,
        stdio: 'ignore',
      });
      log(`Wrote ${RESULTS}`);
    }
    if (JSON_OUTPUT) {
      const kinds = Object.fromEntries(
        byKind.map((entry) => [
          entry.key,
          Object.fromEntries(
            [...entry.runs].map(([kind, run]) => [
              kind,
              { dynamoByType: run.dynamoByType, calls: run.calls, counts: run.counts },
            ]),
          ),
        ]),
      );
      process.stdout.write(
        `${JSON.stringify({ words: stored, dimension: DIMENSION, messages: MESSAGES, chromaLoadMs, dynamoLoadMs, summary, kinds })}\n`,
      );
    }
    dynamo.destroy();
  } finally {
    await Promise.allSettled([chroma?.stop(), moto?.stop()]);
    await rm(dataDir, { recursive: true, force: true });
  }
};

/** The commit before issue 8 ("converge on DynamoDB"), named as such in RESULTS.md. */
const ISSUE_8_BASE = 'a5311ae';

/** What the table holds for the receipts of each kind of message, after the change. */
const TABLE_STATE = /** @type {Record<KindKey, string>} */ ({
  placeUpdate: 'the `RECEIPT#r#PLACE` with the new values',
  placeRemoval: 'no place (nor a legacy `RECEIPT#r#METADATA` row)',
  label:
    'the labels MODIFY and INSERT name; the label a REMOVE names is gone, another label of the word stays',
  section: '(no section items: skipped before any read)',
  wordRemoval: 'the removed words are gone',
  receiptRemoval: 'nothing: no `RECEIPT` item, words or lines',
  lineRemoval: `line ${LINES_PER_RECEIPT} is gone (its other words stay)`,
});

/** The installed chromadb version (its package.json is not among its exports). */
const chromaVersion = () => {
  try {
    const manifest = readFileSync(join(ROOT, 'node_modules/chromadb/package.json'), 'utf8');
    return String(JSON.parse(manifest).version);
  } catch {
    return 'unknown';
  }
};

/**
 * Starts the package's local Chroma server on `path`.
 * @param {any} lib
 * @param {string[]} command
 * @param {string} path
 */
const startLocalChroma = (lib, command, path) =>
  lib.startLocalChroma({
    path,
    command,
    startupTimeoutMs: 120_000,
    logFile: join(ROOT, '.test-services', `bench-chroma-${process.pid}.log`),
  });

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
