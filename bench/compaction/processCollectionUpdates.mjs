// @ts-check
/**
 * Throughput of `processCollectionUpdates` (`@receipt-chroma/chroma-compaction`) on batches of
 * 1,000 mixed queue messages (places, word labels, sections, word / line / receipt removals)
 * against a real local Chroma server holding 100,000 word vectors and a `DynamoReceiptStore`
 * on moto's DynamoDB, and the Chroma round trips it needs per message, compared in the same
 * run with a baseline that sends one record per Chroma request (`maxBatchSize: 1`: one call
 * per word, as a per-word loop would).
 *
 *   node bench/compaction/processCollectionUpdates.mjs [--words 100000] [--dimension 384]
 *     [--receipt-words 50] [--runs 3] [--baseline-runs 3] [--no-results] [--json]
 *
 * Not a test: it prints a markdown table (and with `--json` one JSON line last), writes the
 * figures to bench/compaction/RESULTS.md (unless `--no-results`) and exits 0 whatever they
 * are; it exits 1 only when it cannot run (a service does not start, a batch has failures).
 *
 * How:
 * - esbuild bundles the package from `src` (no build needed) into
 *   `bench/results/processCollectionUpdates.bundle.mjs`, with `chromadb` and the AWS SDK
 *   left external.
 * - moto (`scripts/services/moto.mjs`) and Chroma (`startLocalChroma`, through the glibc shim
 *   of `scripts/services/chroma.mjs` where needed) start on free ports, Chroma on a temporary
 *   directory; both stop at the end.
 * - `--words` word vectors of `--dimension` (deterministic pseudo-random values) with
 *   word-like metadata are added to a `words` collection in requests of 5,000, for receipts
 *   of `--receipt-words` words (10 lines); every word and line of the receipts the batches
 *   touch is written to moto, plus the word labels and places the messages name, one table
 *   per receipt (moto's `Query` scans its whole table; see `tableOf`).
 * - Every batch (1 untimed warm-up, then `--runs` batched and `--baseline-runs` baseline
 *   batches, alternating) has the same mix on receipts of its own, so no batch replays
 *   another's work and no rebuild is needed between runs. Messages are SQS records decoded by
 *   `decodeSqsRecords` before the clock starts; the clock covers `processCollectionUpdates`
 *   only.
 * - Round trips are counted by wrapping the `VectorCollection` (port calls) and the global
 *   `fetch` the chromadb client uses (HTTP requests), DynamoDB requests by wrapping the
 *   client's `send`.
 */
import { execSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { build } from 'esbuild';
import { summarize } from '../lib/stats.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUNDLE = join(ROOT, 'bench/results/processCollectionUpdates.bundle.mjs');
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
const WORDS = numberOption('words', 100_000);
const DIMENSION = numberOption('dimension', 384);
const RECEIPT_WORDS = numberOption('receipt-words', 50);
const RUNS = numberOption('runs', 3);
const BASELINE_RUNS = numberOption('baseline-runs', 3);
const JSON_OUTPUT = argv.includes('--json');
const WRITE_RESULTS = !argv.includes('--no-results');
if (RECEIPT_WORDS % LINES_PER_RECEIPT !== 0 || RECEIPT_WORDS < 20) {
  throw new Error(`--receipt-words must be a multiple of ${LINES_PER_RECEIPT}, at least 20`);
}
const WORDS_PER_LINE = RECEIPT_WORDS / LINES_PER_RECEIPT;
const RECEIPTS = Math.floor(WORDS / RECEIPT_WORDS);

/**
 * The mix of one batch (1,000 messages). Receipts are the receipts of the batch each part
 * uses; the label messages fall on the receipts of the place messages and on receipts of
 * their own.
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
const MESSAGES =
  MIX.placeUpdates +
  MIX.placeRemovals +
  MIX.labelReceipts * MIX.labelsPerReceipt +
  MIX.sections +
  MIX.wordRemovalReceipts * MIX.wordRemovalsPerReceipt +
  MIX.receiptRemovals +
  MIX.lineRemovals;
const RECEIPTS_PER_BATCH =
  MIX.placeUpdates +
  MIX.placeRemovals +
  MIX.labelReceipts +
  MIX.wordRemovalReceipts +
  MIX.receiptRemovals;
const BATCHES = 1 + RUNS + BASELINE_RUNS;
if (RECEIPTS_PER_BATCH * BATCHES > RECEIPTS) {
  throw new Error(
    `${BATCHES} batches need ${RECEIPTS_PER_BATCH * BATCHES} receipts; --words ${WORDS} gives ${RECEIPTS}`,
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
  const counter = { requests: 0, ms: 0 };
  const client = /** @type {DynamoDBClient} */ (
    /** @type {unknown} */ ({
      send: async (/** @type {any} */ command) => {
        counter.requests += 1;
        const started = performance.now();
        try {
          return await inner.send(command);
        } finally {
          counter.ms += performance.now() - started;
        }
      },
    })
  );
  return { counter, client };
};

// ---------------------------------------------------------------------------------------
// Helpers

/** @param {number} value @param {number} [digits] */
const fmt = (value, digits = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

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

const geometry = {
  bounding_box: { x: 0.1, y: 0.25, width: 0.5, height: 0.05 },
  top_left: { x: 0.1, y: 0.3 },
  top_right: { x: 0.6, y: 0.3 },
  bottom_left: { x: 0.1, y: 0.25 },
  bottom_right: { x: 0.6, y: 0.25 },
  angle_degrees: 0,
  angle_radians: 0,
  confidence: 0.9,
  embedding_status: 'SUCCESS',
  is_noise: false,
};

/** A Python-style timestamp `n` milliseconds after a fixed instant. */
const timestamp = (/** @type {number} */ n) => {
  const date = new Date(Date.UTC(2026, 0, 4, 12, 0, 0) + n);
  return `${date.toISOString().slice(0, 19)}.${String(date.getUTCMilliseconds() * 1000).padStart(6, '0')}+00:00`;
};

// ---------------------------------------------------------------------------------------
// Main

const bundleLibrary = async () => {
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  await build({
    stdin: {
      contents: `
export { processCollectionUpdates, decodeSqsRecords, toBatchItemFailures } from './packages/chroma-compaction/src/index.ts';
export { chromaVectorCollection } from './packages/chroma-compaction/src/adapters/chroma/chromaVectorCollection.ts';
export { startLocalChroma } from './packages/chroma-compaction/src/adapters/chroma/startLocalChroma.ts';
export { DynamoReceiptStore } from './packages/chroma-compaction/src/adapters/dynamodb/dynamoReceiptStore.ts';
export {
  ReceiptLineSchema, ReceiptPlaceSchema, ReceiptWordLabelSchema, ReceiptWordSchema,
  receiptLineToItem, receiptPlaceToItem, receiptWordLabelToItem, receiptWordToItem,
} from '@receipt-chroma/dynamo-stream';
`,
      resolveDir: ROOT,
      loader: 'ts',
      sourcefile: 'processCollectionUpdates.bench-entry.ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: BUNDLE,
    external: ['chromadb', '@aws-sdk/*'],
    conditions: ['@receipt-chroma/source'],
    logLevel: 'warning',
  });
  return import(`${pathToFileURL(BUNDLE).href}?t=${Date.now()}`);
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

  /** @type {{ entity_type: string, event_name: string, entity_data: Record<string, unknown>, changes: Record<string, unknown> }[]} */
  const messages = [];
  /** @type {{ receipt: { imageId: string, receiptId: number }, lineId: number, wordId: number, label: string, status: string, proposedBy: string | null }[]} */
  const labels = [];
  const ref = (/** @type {{ imageId: string, receiptId: number }} */ receipt) => ({
    image_id: receipt.imageId,
    receipt_id: receipt.receiptId,
  });
  for (const receipt of placeUpdates) {
    messages.push({
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
      entity_type: 'RECEIPT_SECTION',
      event_name: 'MODIFY',
      entity_data: { ...ref(receipt), section_type: index % 2 === 0 ? 'HEADER' : 'ITEMS' },
      changes: {},
    });
  }
  for (const receipt of wordRemovals) {
    for (let index = 0; index < MIX.wordRemovalsPerReceipt; index += 1) {
      messages.push({
        entity_type: 'RECEIPT_WORD',
        event_name: 'REMOVE',
        entity_data: {
          ...ref(receipt),
          line_id: (index % LINES_PER_RECEIPT) + 1,
          word_id: (index % WORDS_PER_LINE) + 1,
        },
        changes: {},
      });
    }
  }
  for (const receipt of receiptRemovals) {
    messages.push({
      entity_type: 'RECEIPT',
      event_name: 'REMOVE',
      entity_data: ref(receipt),
      changes: {},
    });
  }
  for (let index = 0; index < MIX.lineRemovals; index += 1) {
    const receipt = wordRemovals[index % wordRemovals.length] ?? receiptAt(firstReceipt);
    messages.push({
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
  const records = order.map(({ message }, index) => ({
    messageId: `b${batch}-m${index}`,
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
  }));
  return { records, labels, placeUpdates, receipts, batch };
};

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
    listReceiptWords: route('listReceiptWords'),
    listReceiptLines: route('listReceiptLines'),
    listWordLabels: route('listWordLabels'),
    listReceiptWordLabels: route('listReceiptWordLabels'),
    listReceiptSections: route('listReceiptSections'),
  };
};

const main = async () => {
  const started = Date.now();
  const load = loadavg()[0] ?? 0;
  const lib = await bundleLibrary();
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
      startLocalChroma(lib, chromaNodeCommand().command, dataDir),
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

    // DynamoDB: every word and line of the batches' receipts, and the labels and places the
    // messages name, one moto table per receipt (see `tableOf`).
    const log = (/** @type {string} */ line) => process.stderr.write(`${line}\n`);
    const receiptCount = plans.reduce((total, plan) => total + plan.receipts.length, 0);
    log(`Writing the ${fmt(receiptCount)} receipts of ${BATCHES} batches to moto…`);
    let clock = performance.now();
    /** @type {Map<string, Record<string, unknown>[]>} table name → items */
    const tables = new Map();
    const add = (
      /** @type {{ imageId: string, receiptId: number }} */ receipt,
      /** @type {Record<string, unknown>} */ item,
    ) => {
      const name = tableOf(receipt);
      const items = tables.get(name) ?? [];
      items.push(item);
      tables.set(name, items);
    };
    for (const plan of plans) {
      for (const receipt of plan.receipts) {
        for (let lineId = 1; lineId <= LINES_PER_RECEIPT; lineId += 1) {
          const base = {
            image_id: receipt.imageId,
            receipt_id: receipt.receiptId,
            line_id: lineId,
          };
          add(
            receipt,
            lib.receiptLineToItem(
              lib.ReceiptLineSchema.parse({ ...base, text: `line ${lineId}`, ...geometry }),
            ),
          );
          for (let word = 1; word <= WORDS_PER_LINE; word += 1) {
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
    }
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

    // The runs.
    const variants = {
      batched: { label: 'batched (maxBatchSize 250, default)', maxBatchSize: undefined, runs: [] },
      baseline: {
        label: 'baseline: one record per Chroma request (maxBatchSize 1)',
        maxBatchSize: 1,
        runs: [],
      },
    };
    /** @type {('warmup' | 'batched' | 'baseline')[]} */
    const schedule = ['warmup'];
    for (let index = 0; index < Math.max(RUNS, BASELINE_RUNS); index += 1) {
      if (index < RUNS) schedule.push('batched');
      if (index < BASELINE_RUNS) schedule.push('baseline');
    }
    for (const [batch, kind] of schedule.entries()) {
      const plan = plans[batch];
      if (plan === undefined) throw new Error('missing plan');
      const { inputs, failures } = lib.decodeSqsRecords(plan.records);
      if (failures.length > 0) throw new Error(`undecodable messages: ${failures[0].reason}`);
      const variant = kind === 'warmup' ? variants.batched : variants[kind];
      const counted = countingCollection(lib.chromaVectorCollection(collection));
      const dynamoCounted = countingDynamo(dynamo);
      const receipts = routedReceiptStore(lib, dynamoCounted.client);
      const httpBefore = httpRequests;
      const t0 = performance.now();
      const result = await lib.processCollectionUpdates(inputs, COLLECTION, {
        vectors: counted.vectors,
        receipts,
        maxBatchSize: variant.maxBatchSize,
      });
      const ms = performance.now() - t0;
      const http = httpRequests - httpBefore;
      const retried = lib.toBatchItemFailures(result, { records: plan.records }).batchItemFailures;
      if (result.counts.failed > 0 || retried.length > 0) {
        const failed = result.outcomes.find(
          (/** @type {any} */ outcome) => outcome.status === 'failed',
        );
        throw new Error(
          `${kind} batch ${batch}: ${result.counts.failed} failed messages (first: ${failed?.reason}: ${failed?.error?.message})`,
        );
      }
      const run = {
        ms,
        calls: counted.calls,
        portCalls: Object.values(counted.calls).reduce((a, b) => a + b, 0),
        http,
        dynamo: dynamoCounted.counter.requests,
        chromaMs: { ...counted.ms },
        dynamoMs: dynamoCounted.counter.ms,
        counts: result.counts,
        written: result.totalMetadataUpdated + result.totalLabelsUpdated,
        deleted: result.totalDeletions,
      };
      const spent = Object.entries(counted.ms)
        .filter(([, value]) => value > 0)
        .map(([method, value]) => `${method} ${seconds(value)}`)
        .join(', ');
      log(
        `  ${kind.padEnd(8)} batch ${batch}: ${seconds(ms)}, ${fmt((inputs.length / ms) * 1000, 1)} msg/s, ${run.portCalls} Chroma calls (${spent}), ${http} HTTP, ${run.dynamo} DynamoDB (${seconds(dynamoCounted.counter.ms)})`,
      );
      if (kind !== 'warmup') /** @type {any[]} */ (variant.runs).push(run);
    }

    // Report.
    const summary = Object.entries(variants).map(([key, variant]) => {
      /** @type {any[]} */
      const runs = variant.runs;
      const time = summarize(runs.map((run) => run.ms));
      const rate = summarize(runs.map((run) => (MESSAGES / run.ms) * 1000));
      const rateWithoutDynamo = summarize(
        runs.map((run) => (MESSAGES / (run.ms - run.dynamoMs)) * 1000),
      );
      const chromaMs = summarize(
        runs.map((run) => Object.values(run.chromaMs).reduce((a, b) => a + b, 0)),
      );
      const dynamoMs = summarize(runs.map((run) => run.dynamoMs));
      const first = runs[0];
      return {
        key,
        label: variant.label,
        runs: runs.length,
        timeMs: time,
        messagesPerSecond: rate,
        messagesPerSecondWithoutDynamo: rateWithoutDynamo,
        chromaMs,
        dynamoMs,
        chromaCallsPerMessage: first.portCalls / MESSAGES,
        calls: first.calls,
        httpPerMessage: first.http / MESSAGES,
        dynamoPerMessage: first.dynamo / MESSAGES,
        counts: first.counts,
        written: first.written,
        deleted: first.deleted,
      };
    });
    const [batched, baseline] = summary;
    if (batched === undefined || baseline === undefined) throw new Error('no results');
    const speedup = batched.messagesPerSecond.median / baseline.messagesPerSecond.median;
    const chromaSpeedup =
      batched.messagesPerSecondWithoutDynamo.median /
      baseline.messagesPerSecondWithoutDynamo.median;
    const range = (/** @type {{ median: number, min: number, max: number }} */ value) =>
      `${seconds(value.median)} (${fmt(value.min / 1000, 1)}–${fmt(value.max / 1000, 1)})`;
    const markdown = [
      '| Variant | Runs | Batch time, median (min–max) | Messages/s | Messages/s without the DynamoDB time | Time in Chroma calls | Time in DynamoDB (moto) | Chroma calls per message (get/update/delete) | Chroma HTTP requests per message | DynamoDB requests per message |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...summary.map(
        (row) =>
          `| ${row.label} | ${row.runs} | ${range(row.timeMs)} | **${fmt(row.messagesPerSecond.median, 1)}** | **${fmt(row.messagesPerSecondWithoutDynamo.median, 1)}** | ${seconds(row.chromaMs.median)} | ${seconds(row.dynamoMs.median)} | ${fmt(row.chromaCallsPerMessage, 3)} (${row.calls.get}/${row.calls.update}/${row.calls.delete}) | ${fmt(row.httpPerMessage, 3)} | ${fmt(row.dynamoPerMessage, 3)} |`,
      ),
    ].join('\n');
    const gain = `Batching gain: ${fmt(speedup, 1)}x messages/s end to end, ${fmt(chromaSpeedup, 1)}x without the DynamoDB time; ${fmt(baseline.chromaCallsPerMessage / batched.chromaCallsPerMessage, 1)}x fewer Chroma calls per message.`;
    const outcome = `${batched.counts.applied} applied, ${batched.counts.skipped} skipped, ${batched.counts.failed} failed; ${fmt(batched.written)} records written, ${fmt(batched.deleted)} deleted`;
    process.stdout.write(`\n${markdown}\n\n${gain}\nEvery batch: ${outcome}.\n`);

    if (WRITE_RESULTS) {
      const commit = execSync('git rev-parse --short HEAD', { cwd: ROOT }).toString().trim();
      const dirty = execSync('git status --porcelain -- packages/chroma-compaction/src', {
        cwd: ROOT,
      })
        .toString()
        .trim();
      const command = `node bench/compaction/processCollectionUpdates.mjs${argv
        .filter((arg) => arg !== '--json')
        .map((arg) => ` ${arg}`)
        .join('')}`;
      writeFileSync(
        RESULTS,
        `# Benchmark: processCollectionUpdates against a local Chroma and moto

Reproduce with \`${command}\` from the repository root (no build needed: it bundles the
package source with esbuild; it starts and stops its own Chroma and moto servers).

- Date: ${new Date(started).toISOString()}
- Commit: ${commit}${dirty === '' ? '' : ' (with uncommitted changes in packages/chroma-compaction/src)'}
- Machine: ${cpus().length} CPUs, ${cpus()[0]?.model ?? 'unknown'}, ${fmt(totalmem() / 2 ** 30)} GiB, Node ${process.version}
- 1-minute load average when the run started: ${fmt(load, 2)} (other work on the machine skews the figures)
- Chroma: local server (\`chroma run\` of chromadb ${chromaVersion()}), one \`words\` collection
  of ${fmt(stored)} vectors, dimension ${DIMENSION}${DIMENSION === 1536 ? '' : ' (not the production 1,536: see below)'}, ${RECEIPT_WORDS} words per receipt
  (${LINES_PER_RECEIPT} lines of ${WORDS_PER_LINE}), 14 metadata keys and a document per word.
- DynamoDB: moto's server holding every word and line of the ${fmt(receiptCount)} receipts the batches
  touch plus the labels and places the messages name (${fmt(itemCount)} items), one table per receipt.
- Loading took ${seconds(chromaLoadMs)} (Chroma, requests of ${fmt(LOAD_BATCH)}) and ${seconds(dynamoLoadMs)} (moto).

${markdown}

${gain}
Every batch of both variants: ${outcome}.

moto's \`Query\` reads every item of the table (moto 5.x scans the table in Python, where
DynamoDB reads one partition), so the bench gives every receipt a moto table of its own
(~${fmt(itemCount / receiptCount)} items) and reads it through a \`DynamoReceiptStore\` per table; even so
moto's requests are slower than DynamoDB's. The column without the DynamoDB time (the batch
time minus the time spent in DynamoDB requests; the phases send one request at a time, so the
two do not overlap) is the figure for the compaction code and Chroma alone.

## What a batch holds

${MESSAGES} SQS records (decoded by \`decodeSqsRecords\` before the clock starts), interleaved,
on ${RECEIPTS_PER_BATCH} receipts no other batch touches:

| Messages | Kind | Chroma work |
| ---: | --- | --- |
| ${MIX.placeUpdates} | \`RECEIPT_PLACE\` MODIFY (merchant name, address, phone) | every word of the receipt |
| ${MIX.placeRemovals} | \`RECEIPT_PLACE\` REMOVE | every word of the receipt |
| ${MIX.labelReceipts * MIX.labelsPerReceipt} | \`RECEIPT_WORD_LABEL\` (6 in 10 MODIFY to VALID, 2 INSERT PENDING, 2 REMOVE with another label left), ${MIX.labelsPerReceipt} words on each of ${MIX.labelReceipts} receipts (the ${MIX.placeUpdates + MIX.placeRemovals} place receipts among them) | one word each |
| ${MIX.sections} | \`RECEIPT_SECTION\` MODIFY | none on \`words\` (skipped: sections live on \`lines\`) |
| ${MIX.wordRemovalReceipts * MIX.wordRemovalsPerReceipt} | \`RECEIPT_WORD\` REMOVE (${MIX.wordRemovalsPerReceipt} words on each of ${MIX.wordRemovalReceipts} receipts) | one word each |
| ${MIX.receiptRemovals} | \`RECEIPT\` REMOVE | every word of the receipt |
| ${MIX.lineRemovals} | \`RECEIPT_LINE\` REMOVE | none on \`words\` (skipped) |

## Where the Chroma calls of a batch go

| Messages | Batched: calls | Baseline: calls |
| --- | ---: | ---: |
| ${MIX.placeUpdates + MIX.placeRemovals} place changes | ${2 * (MIX.placeUpdates + MIX.placeRemovals)} (one \`get\` and one \`update\` per receipt) | ${2 * (MIX.placeUpdates + MIX.placeRemovals) * RECEIPT_WORDS} (one of each per word) |
| ${MIX.labelReceipts * MIX.labelsPerReceipt} word labels | ${2 * MIX.labelReceipts} (one \`get\` and one \`update\` per receipt) | ${2 * MIX.labelReceipts * MIX.labelsPerReceipt} (one of each per word) |
| ${MIX.wordRemovalReceipts * MIX.wordRemovalsPerReceipt} word removals | 2 (one \`get\` and one \`delete\` for all of them) | ${2 * MIX.wordRemovalReceipts * MIX.wordRemovalsPerReceipt} |
| ${MIX.receiptRemovals} receipt removals | ${2 * MIX.receiptRemovals} (one \`get\` by metadata and one \`delete\` per receipt) | ${MIX.receiptRemovals * (2 * RECEIPT_WORDS + 1)} (the read by metadata pages one record at a time) |
| ${MIX.sections + MIX.lineRemovals} sections and line removals | 0 | 0 |

The cost is mostly per request, not per record: in this run a batched \`update\` (10 to 50
records) took about 50 ms and a one-record \`update\` 20 to 35 ms (time in \`update\` calls
divided by their number), so the label messages, which still cost one \`get\` and one
\`update\` per receipt, are most of what is left.

## Method

- One untimed warm-up batch, then ${RUNS} batched and ${BASELINE_RUNS} baseline batches, alternating.
  Each batch works on receipts of its own with the same mix, so every run does the same
  work without rebuilding the collection (a replay would find labels already written and
  skip them, which is cheaper).
- The clock covers \`processCollectionUpdates(inputs, 'words', { vectors, receipts })\` only:
  \`vectors\` is \`chromaVectorCollection\` over the chromadb 3.x collection, \`receipts\` reads
  moto through \`DynamoReceiptStore\` (one per receipt table, see above).
- Chroma calls are the \`VectorCollection\` calls, counted by a wrapper; Chroma HTTP requests
  are the chromadb client's \`fetch\` calls in the same interval. DynamoDB requests are
  counted by wrapping the client's \`send\`.
- The baseline is the same code with \`maxBatchSize: 1\`: every Chroma \`get\`, \`update\` and
  \`delete\` carries one record (and the paged read of a receipt's records by metadata reads
  one record a page), i.e. one Chroma call per word, as a per-word loop would make.
- Dimension: ${DIMENSION === 1536 ? 'the production 1,536.' : `${DIMENSION}, because adding 100,000 vectors of 1,536 dimensions to a local Chroma took about 50 s per 10,000 on this 2-core machine (over 8 minutes for the set), against about 3 minutes for 384. The benchmark reads and writes metadata only (no embeddings are read or written), so the dimension should matter little; pass \`--dimension 1536\` to measure with the real size.`}
- Every batch must end with no failed message (checked with \`toBatchItemFailures\` too), or
  the script stops.
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
      process.stdout.write(
        `${JSON.stringify({ words: stored, dimension: DIMENSION, messages: MESSAGES, chromaLoadMs, dynamoLoadMs, speedup, chromaSpeedup, summary })}\n`,
      );
    }
    dynamo.destroy();
  } finally {
    await Promise.allSettled([chroma?.stop(), moto?.stop()]);
    await rm(dataDir, { recursive: true, force: true });
  }
};

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
