// @ts-check
/**
 * The batch of the compaction-cycle benchmark (`bench/compaction/compactionCycle.mjs`): 500
 * queue messages for the `lines` collection, as SQS records, and the receipts table they
 * converge on, deterministic for each run. The snapshot they apply to is the Chroma persist
 * directory of `bench/lib/snapshotData.mjs` (receipts of 100 lines of `BENCH_IMAGE_ID`).
 */
import { BENCH_GEOMETRY } from './benchItems.mjs';
import { BENCH_IMAGE_ID } from './deltaBench.mjs';

export const COLLECTION = 'lines';
export const DIMENSION = 1536;
/** Lines per receipt of the snapshot (`chromaDirectory` builds receipts of 100 lines). */
export const SNAPSHOT_LINES = 100;
/** Lines of each new receipt a delta brings. */
export const DELTA_LINES = 25;
/** New receipts get ids from here on (the snapshot's are 1 to `count / 100`). */
export const DELTA_RECEIPT_BASE = 10_000;

/**
 * The batch of every run: 500 messages, the kinds the stream processor routes to the `lines`
 * queue. Receipts are the snapshot's, taken in this order, one kind each.
 */
export const MIX = {
  deltas: 20,
  placeUpdates: 25,
  placeRemovals: 5,
  labelReceipts: 30,
  labelsPerReceipt: 10,
  sectionReceipts: 20,
  lineRemovalReceipts: 20,
  lineRemovalsPerReceipt: 5,
  receiptRemovals: 10,
};

/** @typedef {'delta' | 'placeUpdate' | 'placeRemoval' | 'label' | 'section' | 'lineRemoval' | 'receiptRemoval'} KindKey */

/**
 * The kinds of message, with what the table holds for them. Every message of this mix must
 * end `applied`: each changes the snapshot (the script stops otherwise).
 * @type {readonly { key: KindKey, messages: number, name: string }[]}
 */
export const KINDS = [
  {
    key: 'delta',
    messages: MIX.deltas,
    name: `\`COMPACTION_RUN\` INSERT: a delta of ${DELTA_LINES} lines of a new receipt (table: the receipt, its lines, a place, the run)`,
  },
  {
    key: 'placeUpdate',
    messages: MIX.placeUpdates,
    name: '`RECEIPT_PLACE` MODIFY (table: the new place; 100 lines rewritten each)',
  },
  {
    key: 'placeRemoval',
    messages: MIX.placeRemovals,
    name: '`RECEIPT_PLACE` REMOVE (table: no place; the place keys of 100 lines removed)',
  },
  {
    key: 'label',
    messages: MIX.labelReceipts * MIX.labelsPerReceipt,
    name: `\`RECEIPT_WORD_LABEL\` on lines 1–${MIX.labelsPerReceipt} of ${MIX.labelReceipts} receipts (6 in 10 MODIFY to VALID, 2 INSERT PENDING, 2 REMOVE with an INVALID label left): row labels`,
  },
  {
    key: 'section',
    messages: MIX.sectionReceipts * 2,
    name: `\`RECEIPT_SECTION\` MODIFY, HEADER and ITEMS of ${MIX.sectionReceipts} receipts (table: both sections): section labels`,
  },
  {
    key: 'lineRemoval',
    messages: MIX.lineRemovalReceipts * MIX.lineRemovalsPerReceipt,
    name: `\`RECEIPT_LINE\` REMOVE, ${MIX.lineRemovalsPerReceipt} lines of each of ${MIX.lineRemovalReceipts} receipts (table: those lines gone)`,
  },
  {
    key: 'receiptRemoval',
    messages: MIX.receiptRemovals,
    name: '`RECEIPT` REMOVE (table: nothing of the receipt; 100 lines deleted each)',
  },
];
export const MESSAGES = KINDS.reduce((total, kind) => total + kind.messages, 0);
/** Receipts of the snapshot the batch touches. */
export const SNAPSHOT_RECEIPTS_USED =
  MIX.placeUpdates +
  MIX.placeRemovals +
  MIX.labelReceipts +
  MIX.sectionReceipts +
  MIX.lineRemovalReceipts +
  MIX.receiptRemovals;

// ---------------------------------------------------------------------------------------
// Deterministic data

/** A seeded xorshift32 generator of values in [0, 1). @param {number} seed */
const xorshift = (seed) => {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
};

/** A deterministic version 4 UUID. @param {number} high @param {number} low */
const uuid = (high, low) =>
  `${high.toString(16).padStart(8, '0')}-0000-4000-8000-${low.toString(16).padStart(12, '0')}`;

/** A Python isoformat timestamp `ms` milliseconds after a fixed instant. @param {number} ms */
const timestamp = (ms) => {
  const date = new Date(Date.UTC(2026, 0, 4, 12, 0, 0) + ms);
  return `${date.toISOString().slice(0, 19)}.${String(date.getUTCMilliseconds() * 1000).padStart(6, '0')}+00:00`;
};

/**
 * The compaction runs of run `run` of the benchmark: one per delta, each on a new receipt.
 * @param {number} run
 */
export const deltaRuns = (run) =>
  Array.from({ length: MIX.deltas }, (_, index) => {
    const runId = uuid(0xc0c1e000 + run, index + 1);
    return {
      runId,
      receiptId: DELTA_RECEIPT_BASE + run * MIX.deltas + index + 1,
      prefix: `${COLLECTION}/delta/${runId}/`,
      createdAt: timestamp(run * 60_000 + index),
    };
  });

/**
 * The line records of a new receipt's delta: `DELTA_LINES` vectors of `DIMENSION` values of
 * noise in ±0.025 (seeded by the receipt) with line-like metadata.
 * @param {any} lib
 * @param {number} receiptId
 */
export function* deltaRecords(lib, receiptId) {
  const random = xorshift(receiptId * 2654435761);
  for (let lineId = 1; lineId <= DELTA_LINES; lineId += 1) {
    /** @type {number[]} */
    const embedding = new Array(DIMENSION);
    for (let value = 0; value < DIMENSION; value += 1) embedding[value] = (random() - 0.5) / 20;
    const text = `NEW LINE ${lineId} TOTAL ${((receiptId * lineId) % 997) / 10}`;
    yield {
      id: lib.lineChromaId({ imageId: BENCH_IMAGE_ID, receiptId, lineId }),
      embedding,
      document: text,
      metadata: {
        image_id: BENCH_IMAGE_ID,
        receipt_id: receiptId,
        line_id: lineId,
        text,
        x: random(),
        y: random(),
        confidence: 0.9 + random() / 10,
      },
    };
  }
}

/** The core labels the label messages use, one per line of a receipt. */
const LABELS = [
  'PRODUCT_NAME',
  'LINE_TOTAL',
  'UNIT_PRICE',
  'QUANTITY',
  'TAX',
  'SUBTOTAL',
  'DATE',
  'MERCHANT_NAME',
  'GRAND_TOTAL',
  'PHONE_NUMBER',
];

/**
 * The SQS records of run `run` and the receipts table they converge on (the table *after* the
 * changes: the compaction code reads the state it writes from it):
 * - every snapshot receipt the batch names has its `RECEIPT` item and its 100 lines, except
 *   the lines of `RECEIPT_LINE` REMOVE messages, and the receipts of `RECEIPT` REMOVE, which
 *   have nothing at all;
 * - place MODIFY receipts have a place whose merchant differs from the snapshot's; place
 *   REMOVE receipts have none;
 * - the labels the label messages leave (MODIFY: VALID, INSERT: PENDING; a REMOVE's label is
 *   gone, an INVALID label of the word stays), and the HEADER (lines 1–8) and ITEMS (9–80)
 *   sections of the section receipts;
 * - each delta's new receipt: its `RECEIPT` item, its lines, a place and its compaction run.
 * @param {any} lib the bundle
 * @param {number} run
 */
export const buildBatch = (lib, run) => {
  const receipts = new lib.InMemoryReceiptStore();
  let next = 1;
  const take = (/** @type {number} */ count) => Array.from({ length: count }, () => next++);
  const placeUpdates = take(MIX.placeUpdates);
  const placeRemovals = take(MIX.placeRemovals);
  const labelReceipts = take(MIX.labelReceipts);
  const sectionReceipts = take(MIX.sectionReceipts);
  const lineRemovalReceipts = take(MIX.lineRemovalReceipts);
  const receiptRemovals = take(MIX.receiptRemovals);
  const ref = (/** @type {number} */ receiptId) => ({
    image_id: BENCH_IMAGE_ID,
    receipt_id: receiptId,
  });
  const geometry = BENCH_GEOMETRY;
  const point = (/** @type {string} */ x, /** @type {string} */ y) => ({
    M: { x: { N: x }, y: { N: y } },
  });
  const addReceipt = (/** @type {number} */ receiptId, /** @type {number} */ lines) => {
    receipts.addReceipts(
      lib.ReceiptItemSchema.parse({
        PK: { S: `IMAGE#${BENCH_IMAGE_ID}` },
        SK: { S: `RECEIPT#${String(receiptId).padStart(5, '0')}` },
        TYPE: { S: 'RECEIPT' },
        width: { N: '1200' },
        height: { N: '3400' },
        timestamp_added: { S: '2026-01-04T12:00:00' },
        raw_s3_bucket: { S: 'raw-receipts' },
        raw_s3_key: { S: `raw/${BENCH_IMAGE_ID}.png` },
        top_left: point('0.1', '0.9'),
        top_right: point('0.9', '0.9'),
        bottom_left: point('0.1', '0.1'),
        bottom_right: point('0.9', '0.1'),
      }),
    );
    const removed = new Set(
      lineRemovalReceipts.includes(receiptId)
        ? Array.from({ length: MIX.lineRemovalsPerReceipt }, (_, index) => lines - index)
        : [],
    );
    for (let lineId = 1; lineId <= lines; lineId += 1) {
      if (removed.has(lineId)) continue;
      receipts.addLines(
        lib.ReceiptLineSchema.parse({
          ...ref(receiptId),
          line_id: lineId,
          text: `LINE ${lineId}`,
          ...geometry,
        }),
      );
    }
  };
  const addPlace = (/** @type {number} */ receiptId) =>
    receipts.addPlaces(
      lib.ReceiptPlaceSchema.parse({
        ...ref(receiptId),
        place_id: `place-${receiptId}`,
        merchant_name: `Bench Grocer ${receiptId}`,
        merchant_category: 'grocery_store',
        formatted_address: `${receiptId} Main St`,
        phone_number: '(818) 555-0100',
        validation_status: 'MATCHED',
        timestamp: '2026-01-04T12:00:00+00:00',
        confidence: 0.95,
      }),
    );

  /** @type {{ kind: KindKey, entityType: string, eventName: string, entityData: Record<string, unknown>, changes: Record<string, unknown> }[]} */
  const messages = [];
  const push = (
    /** @type {KindKey} */ kind,
    /** @type {string} */ entityType,
    /** @type {string} */ eventName,
    /** @type {Record<string, unknown>} */ entityData,
    /** @type {Record<string, unknown>} */ changes = {},
  ) => messages.push({ kind, entityType, eventName, entityData, changes });

  for (const receiptId of [
    ...placeUpdates,
    ...placeRemovals,
    ...labelReceipts,
    ...sectionReceipts,
    ...lineRemovalReceipts,
  ]) {
    addReceipt(receiptId, SNAPSHOT_LINES);
  }
  for (const receiptId of placeUpdates) {
    addPlace(receiptId);
    push('placeUpdate', 'RECEIPT_PLACE', 'MODIFY', ref(receiptId), {
      merchant_name: { old: 'Bench Market', new: `Bench Grocer ${receiptId}` },
      formatted_address: { old: null, new: `${receiptId} Main St` },
    });
  }
  for (const receiptId of placeRemovals) {
    push('placeRemoval', 'RECEIPT_PLACE', 'REMOVE', ref(receiptId));
  }
  for (const receiptId of labelReceipts) {
    for (let index = 0; index < MIX.labelsPerReceipt; index += 1) {
      const label = LABELS[index % LABELS.length] ?? 'TAX';
      const word = { ...ref(receiptId), line_id: index + 1, word_id: 1 };
      const stored = (/** @type {string} */ name, /** @type {string} */ status) =>
        lib.ReceiptWordLabelSchema.parse({
          ...word,
          label: name,
          reasoning: 'bench',
          timestamp_added: '2026-01-04T12:00:00.123456+00:00',
          validation_status: status,
          label_proposed_by: status === 'PENDING' ? 'bench' : null,
          label_consolidated_from: null,
        });
      if (index < 6) {
        receipts.addLabels(stored(label, 'VALID'));
        push(
          'label',
          'RECEIPT_WORD_LABEL',
          'MODIFY',
          { ...word, label },
          {
            validation_status: { old: 'PENDING', new: 'VALID' },
          },
        );
      } else if (index < 8) {
        receipts.addLabels(stored(label, 'PENDING'));
        push('label', 'RECEIPT_WORD_LABEL', 'INSERT', { ...word, label });
      } else {
        receipts.addLabels(stored('TAX', 'INVALID'));
        push('label', 'RECEIPT_WORD_LABEL', 'REMOVE', { ...word, label });
      }
    }
  }
  for (const receiptId of sectionReceipts) {
    for (const [sectionType, lineIds] of /** @type {const} */ ([
      ['HEADER', [1, 8]],
      ['ITEMS', [9, 80]],
    ])) {
      receipts.addSections(
        lib.ReceiptSectionSchema.parse({
          ...ref(receiptId),
          section_type: sectionType,
          line_ids: Array.from({ length: lineIds[1] - lineIds[0] + 1 }, (_, i) => lineIds[0] + i),
          created_at: '2026-01-04T12:00:00.123456+00:00',
          confidence: 0.9,
          model_source: 'bench',
          validation_status: 'VALID',
          row_ids: null,
          verification_source: null,
          verification_status: null,
          verification_section_type: null,
          verification_confidence: null,
          disagreement_row_ids: null,
          verified_at: null,
        }),
      );
      push(
        'section',
        'RECEIPT_SECTION',
        'MODIFY',
        { ...ref(receiptId), section_type: sectionType },
        {
          validation_status: { old: 'PENDING', new: 'VALID' },
        },
      );
    }
  }
  for (const receiptId of lineRemovalReceipts) {
    for (let index = 0; index < MIX.lineRemovalsPerReceipt; index += 1) {
      push('lineRemoval', 'RECEIPT_LINE', 'REMOVE', {
        ...ref(receiptId),
        line_id: SNAPSHOT_LINES - index,
      });
    }
  }
  for (const receiptId of receiptRemovals)
    push('receiptRemoval', 'RECEIPT', 'REMOVE', ref(receiptId));
  for (const delta of deltaRuns(run)) {
    addReceipt(delta.receiptId, DELTA_LINES);
    addPlace(delta.receiptId);
    const compactionRun = lib.CompactionRunSchema.parse({
      run_id: delta.runId,
      ...ref(delta.receiptId),
      lines_delta_prefix: delta.prefix,
      words_delta_prefix: `words/delta/${delta.runId}/`,
      lines_state: 'PENDING',
      words_state: 'PENDING',
      created_at: delta.createdAt,
    });
    receipts.putItems(lib.compactionRunToItem(compactionRun));
    push('delta', 'COMPACTION_RUN', 'INSERT', {
      ...compactionRun,
      delta_s3_prefix: delta.prefix,
    });
  }
  if (messages.length !== MESSAGES) throw new Error(`built ${messages.length} messages`);

  // Interleave the kinds (deterministically), then stamp increasing times.
  const random = xorshift(run + 17);
  const order = messages.map((message) => ({ message, key: random() }));
  order.sort((a, b) => a.key - b.key);
  /** @type {Map<string, KindKey>} */
  const kindOf = new Map();
  const records = order.map(({ message }, index) => {
    const messageId = `r${run}-m${index}`;
    kindOf.set(messageId, message.kind);
    return {
      messageId,
      body: lib.encodeStreamMessage({
        entityType: message.entityType,
        entityData: { entity_type: message.entityType, ...message.entityData },
        changes: message.changes,
        eventName: message.eventName,
        collections: [COLLECTION],
        context: {
          source: 'dynamodb_stream',
          timestamp: timestamp(run * 60_000 + 1000 + index),
          recordId: `stream-r${run}-${index}`,
          awsRegion: 'us-east-1',
        },
      }),
      messageAttributes: { collection: { stringValue: COLLECTION } },
    };
  });
  return { records, receipts, kindOf };
};
