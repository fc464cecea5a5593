/**
 * Deterministic, realistic DynamoDB stream records of the receipts table, for benchmarks.
 *
 * Every record has the AWS Lambda event shape (`eventID`, `eventName`, `eventVersion`,
 * `eventSource`, `awsRegion`, `dynamodb.{ApproximateCreationDateTime, Keys, NewImage,
 * OldImage, SequenceNumber, SizeBytes, StreamViewType: NEW_AND_OLD_IMAGES}`,
 * `eventSourceARN`, and `userIdentity` on TTL deletions). Items are laid out exactly as the
 * Python writers lay them out (see `items.mjs`); image ids are real UUIDv4s.
 *
 * The mix (share of records; exact for any `count`, by largest remainder, then shuffled):
 *
 * | kind                   | share | event  | what                                                          | messages |
 * | ---------------------- | ----- | ------ | ------------------------------------------------------------- | -------- |
 * | label-validation       |  30 % | MODIFY | word label PENDING→VALID/INVALID, reasoning rewritten         | 1        |
 * | place-edit             |   8 % | MODIFY | place merchant_name or formatted_address corrected            | 1        |
 * | word-remove            |   6 % | REMOVE | receipt word deleted                                          | 1        |
 * | line-remove            |   3 % | REMOVE | receipt line deleted                                          | 1        |
 * | receipt-remove         |   1 % | REMOVE | receipt deleted                                               | 1        |
 * | label-remove           |   5 % | REMOVE | word label deleted                                            | 1        |
 * | compaction-run-insert  |   3 % | INSERT | compaction run created (one delta per collection)             | 2        |
 * | section-insert         |   2 % | INSERT | receipt section created (some ITEMS sections)                 | 1        |
 * | section-modify         |   3 % | MODIFY | section line_ids edited or validation_status set              | 1        |
 * | summary-modify         |   4 % | MODIFY | summary recomputed (new timestamp_computed and totals)        | 1        |
 * | unrelated-lock         |   3 % | any    | PK `LOCK#…`: lock acquired, heartbeat, TTL deletion           | 0        |
 * | unrelated-batch        |   2 % | MODIFY | PK `BATCH#…`: embedding batch status change                   | 0        |
 * | unrelated-image-line   |   2 % | INSERT | image-level SK `LINE#00001`                                   | 0        |
 * | unrelated-line-item    |   2 % | MODIFY | SK `RECEIPT#00001#LINE_ITEM#00001`                            | 0        |
 * | unrelated-letter       |   1 % | INSERT | letter under a word (`…#WORD#…#LETTER#…`); never a word       | 0        |
 * | unchanged-word-modify  |   6 % | MODIFY | word with only embedding_status (and its GSI1PK) changed      | 0        |
 * | unchanged-line-modify  |   4 % | MODIFY | line with only embedding_status (and its GSI1PK) changed      | 0        |
 * | unchanged-place-modify |   5 % | MODIFY | place with only confidence (and its GSI3SK) changed           | 0        |
 * | word-insert            |   7 % | INSERT | receipt word created (embedding pipeline covers it)           | 0        |
 * | line-insert            |   3 % | INSERT | receipt line created                                          | 0        |
 *
 * So 10,000 records yield 6,800 messages at HEAD (spec §8.5's targets-per-event table).
 * The 1 % of letters are the only records that fail entity parsing (a letter's SK is
 * detected as a word's and then rejected for having 7 parts, spec §2.11).
 */
import {
  batchSummaryItem,
  compactionLockItem,
  compactionRunItem,
  imageLineItem,
  receiptItem,
  receiptLetterItem,
  receiptLineItem,
  receiptLineItemItem,
  receiptPlaceItem,
  receiptSectionItem,
  receiptSummaryItem,
  receiptWordItem,
  receiptWordLabelItem,
} from './items.mjs';

/** @typedef {import('aws-lambda').DynamoDBRecord} DynamoDBRecord */
/** @typedef {import('aws-lambda').AttributeValue} AttributeValue */
/** @typedef {Record<string, AttributeValue>} Item */

/**
 * @typedef {object} MixEntry
 * @property {string} kind
 * @property {number} share Fraction of all records.
 * @property {'INSERT' | 'MODIFY' | 'REMOVE' | 'any'} eventName
 * @property {number} messages Messages one record of this kind yields at HEAD.
 * @property {string} description
 */

/** @typedef {[string, number, MixEntry['eventName'], number, string]} MixRow */

/** @type {readonly MixEntry[]} */
export const MIX = Object.freeze(
  /** @type {MixRow[]} */ ([
    ['label-validation', 0.3, 'MODIFY', 1, 'word label PENDING→VALID/INVALID'],
    ['place-edit', 0.08, 'MODIFY', 1, 'place merchant_name/formatted_address edit'],
    ['word-remove', 0.06, 'REMOVE', 1, 'receipt word deleted'],
    ['line-remove', 0.03, 'REMOVE', 1, 'receipt line deleted'],
    ['receipt-remove', 0.01, 'REMOVE', 1, 'receipt deleted'],
    ['label-remove', 0.05, 'REMOVE', 1, 'word label deleted'],
    ['compaction-run-insert', 0.03, 'INSERT', 2, 'compaction run created'],
    ['section-insert', 0.02, 'INSERT', 1, 'receipt section created'],
    ['section-modify', 0.03, 'MODIFY', 1, 'receipt section edited'],
    ['summary-modify', 0.04, 'MODIFY', 1, 'receipt summary recomputed'],
    ['unrelated-lock', 0.03, 'any', 0, 'PK LOCK#…'],
    ['unrelated-batch', 0.02, 'MODIFY', 0, 'PK BATCH#…'],
    ['unrelated-image-line', 0.02, 'INSERT', 0, 'image-level SK LINE#…'],
    ['unrelated-line-item', 0.02, 'MODIFY', 0, 'SK RECEIPT#…#LINE_ITEM#…'],
    ['unrelated-letter', 0.01, 'INSERT', 0, 'letter under a word'],
    ['unchanged-word-modify', 0.06, 'MODIFY', 0, 'word embedding_status only'],
    ['unchanged-line-modify', 0.04, 'MODIFY', 0, 'line embedding_status only'],
    ['unchanged-place-modify', 0.05, 'MODIFY', 0, 'place confidence only'],
    ['word-insert', 0.07, 'INSERT', 0, 'receipt word created'],
    ['line-insert', 0.03, 'INSERT', 0, 'receipt line created'],
  ]).map(([kind, share, eventName, messages, description]) =>
    Object.freeze({ kind, share, eventName, messages, description }),
  ),
);

// ---------------------------------------------------------------------------------------
// Seeded randomness
// ---------------------------------------------------------------------------------------

/**
 * A small seeded generator (mulberry32) with the helpers the builders need.
 * @param {number} seed
 */
export const createRandom = (seed) => {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  /** @param {number} min @param {number} max inclusive */
  const int = (min, max) => min + Math.floor(next() * (max - min + 1));
  /** @template T @param {readonly T[]} values @returns {T} */
  const pick = (values) => /** @type {T} */ (values[Math.floor(next() * values.length)]);
  /** @param {number} length */
  const hex = (length) => {
    let text = '';
    for (let i = 0; i < length; i += 1) text += Math.floor(next() * 16).toString(16);
    return text;
  };
  /** A UUIDv4: version nibble 4, variant 8–b. */
  const uuid4 = () => `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[int(0, 3)]}${hex(3)}-${hex(12)}`;
  return { next, int, pick, hex, uuid4, chance: (/** @type {number} */ p) => next() < p };
};

/** @typedef {ReturnType<typeof createRandom>} Random */

// ---------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------

// biome-ignore format: a vocabulary reads better as a block
const LABELS = [
  'MERCHANT_NAME', 'STORE_HOURS', 'PHONE_NUMBER', 'WEBSITE', 'LOYALTY_ID', 'ADDRESS_LINE',
  'DATE', 'TIME', 'PAYMENT_METHOD', 'COUPON', 'DISCOUNT', 'PRODUCT_NAME', 'QUANTITY',
  'UNIT_PRICE', 'LINE_TOTAL', 'SUBTOTAL', 'TAX', 'TIP', 'GRAND_TOTAL', 'CHANGE', 'CASH_BACK',
  'REFUND',
];
// biome-ignore format: a vocabulary reads better as a block
const WORDS = [
  'TOTAL', 'SUBTOTAL', 'TAX', 'VISA', '$12.99', '4.50', 'MILK', 'ORGANIC', 'BANANAS', '2', '@',
  'THANK', 'YOU', '01/04/2026', '18:42', 'CHANGE', 'CASH', 'APPROVED', 'ITEMS', 'SOLD', 'Café',
  'REWARDS', 'SAVINGS', 'EGGS', 'BREAD', '1.99', '23.47', '#4821', 'REGISTER', 'RECEIPT',
];
// biome-ignore format: a vocabulary reads better as a block
const MERCHANTS = [
  ['Target', 'department_store', '30740 Russell Ranch Rd, Westlake Village, CA 91362, USA'],
  ['Sprouts Farmers Market', 'grocery_store', '5700 Lindero Canyon Rd, Westlake Village, CA 91362, USA'],
  ['Costco Wholesale', 'warehouse_store', '5500 Canoga Ave, Woodland Hills, CA 91367, USA'],
  ["Trader Joe's", 'grocery_store', '3835 E Thousand Oaks Blvd, Westlake Village, CA 91362, USA'],
  ['CVS Pharmacy', 'pharmacy', '2955 Agoura Rd, Westlake Village, CA 91361, USA'],
  ['In-N-Out Burger', 'restaurant', '4115 E Thousand Oaks Blvd, Westlake Village, CA 91362, USA'],
  ['Vons', 'grocery_store', '3825 E Thousand Oaks Blvd, Westlake Village, CA 91362, USA'],
  ['The Home Depot', 'hardware_store', '5600 Canoga Ave, Woodland Hills, CA 91367, USA'],
  ['Café Bellissimo', 'cafe', '31139 Via Colinas, Westlake Village, CA 91362, USA'],
];
// biome-ignore format: a vocabulary reads better as a block
const SECTION_TYPES = [
  'HEADER', 'STOREFRONT', 'ADDRESS', 'ITEMS', 'ITEMS', 'ITEMS', 'SECTION_HEADER', 'SUMMARY',
  'TOTAL_LINE', 'PAYMENT', 'SURVEY', 'FOOTER', 'BARCODE', 'TRANSACTION_INFO',
];

const BASE_MS = Date.UTC(2026, 0, 4, 18, 0, 0);
const REGION = 'us-east-1';
const STREAM_ARN =
  'arn:aws:dynamodb:us-east-1:123456789012:table/ReceiptsTable-dc5be22/stream/2026-01-04T00:00:00.000';

/**
 * Python `datetime.isoformat()` of a UTC instant, with `+00:00` unless `naive`.
 * @param {number} ms epoch milliseconds
 * @param {number} micros 0–999 extra microseconds
 * @param {boolean} [naive]
 */
const isoPy = (ms, micros, naive = false) => {
  const date = new Date(ms);
  const fraction = (date.getUTCMilliseconds() * 1000 + micros).toString().padStart(6, '0');
  const seconds = date.toISOString().slice(0, 19);
  const body = fraction === '000000' ? seconds : `${seconds}.${fraction}`;
  return naive ? body : `${body}+00:00`;
};

// ---------------------------------------------------------------------------------------
// Entity factories (random but valid field values)
// ---------------------------------------------------------------------------------------

/**
 * @param {Random} rng
 * @param {number} [daysBack] how far before the stream window the entity was written
 */
const pastIso = (rng, daysBack = 90) =>
  isoPy(BASE_MS - rng.int(60_000, daysBack * 86_400_000), rng.int(0, 999));

/**
 * An instant inside the hour the stream window covers, e.g. when a label was validated.
 * @param {Random} rng
 */
const recentIso = (rng) => isoPy(BASE_MS + rng.int(0, 3_599_999), rng.int(0, 999));

/** @param {Random} rng */
const geometry = (rng) => {
  const x = 0.05 + rng.next() * 0.6;
  const y = 0.05 + rng.next() * 0.85;
  const width = 0.01 + rng.next() * 0.3;
  const height = 0.008 + rng.next() * 0.02;
  const angleDegrees = (rng.next() - 0.5) * 6;
  return {
    boundingBox: { x, y, width, height },
    topLeft: { x, y: y + height },
    topRight: { x: x + width, y: y + height },
    bottomLeft: { x, y },
    bottomRight: { x: x + width, y },
    angleDegrees,
    angleRadians: (angleDegrees * Math.PI) / 180,
    confidence: 0.6 + rng.next() * 0.4,
  };
};

/**
 * @param {Random} rng
 * @param {{imageId: string, receiptId: number}} at
 * @param {string} embeddingStatus
 */
const word = (rng, at, embeddingStatus) => ({
  ...at,
  lineId: rng.int(1, 45),
  wordId: rng.int(1, 8),
  text: rng.pick(WORDS),
  embeddingStatus,
  isNoise: rng.chance(0.03),
  extractedData: rng.chance(0.2)
    ? rng.chance(0.5)
      ? { type: 'currency', value: `${rng.int(1, 99)}.${rng.int(10, 99)}` }
      : { language: 'en', script: 'Latn' }
    : null,
  ...geometry(rng),
});

/**
 * @param {Random} rng
 * @param {{imageId: string, receiptId: number}} at
 * @param {string} embeddingStatus
 */
const line = (rng, at, embeddingStatus) => ({
  ...at,
  lineId: rng.int(1, 45),
  text: `${rng.pick(WORDS)} ${rng.pick(WORDS)} ${rng.pick(WORDS)}`,
  embeddingStatus,
  isNoise: false,
  ...geometry(rng),
});

/**
 * @param {Random} rng
 * @param {{imageId: string, receiptId: number}} at
 * @param {string} validationStatus
 */
const label = (rng, at, validationStatus) => ({
  ...at,
  lineId: rng.int(1, 45),
  wordId: rng.int(1, 8),
  label: rng.pick(LABELS),
  reasoning: rng.chance(0.3) ? null : 'Matched the label pattern of nearby words.',
  timestampAdded: pastIso(rng, 30),
  validationStatus,
  labelProposedBy: rng.chance(0.8) ? 'label_suggestion_agent' : null,
  labelConsolidatedFrom: null,
});

/**
 * @param {Random} rng
 * @param {{imageId: string, receiptId: number}} at
 * @returns {import('./items.mjs').Place}
 */
const place = (rng, at) => {
  const [merchantName = '', category = '', address = ''] = rng.pick(MERCHANTS);
  const latitude = Math.round((34.14 + rng.next() * 0.05) * 1e7) / 1e7;
  const longitude = Math.round((-118.8 + rng.next() * 0.2) * 1e7) / 1e7;
  return {
    ...at,
    placeId: `ChIJ${rng.hex(23)}`,
    merchantName,
    merchantCategory: category,
    merchantTypes: [category, 'store', 'point_of_interest', 'establishment'],
    formattedAddress: address,
    shortAddress: address.split(',')[0] ?? address,
    addressComponents: { locality: 'Westlake Village', administrative_area_level_1: 'CA' },
    latitude,
    longitude,
    phoneNumber: `(805) ${rng.int(200, 999)}-${rng.int(1000, 9999)}`,
    phoneIntl: null,
    website: `https://www.${merchantName.toLowerCase().replace(/[^a-z0-9]+/g, '')}.com/`,
    mapsUrl: `https://maps.google.com/?cid=${rng.int(1e9, 9e9)}`,
    businessStatus: 'OPERATIONAL',
    openNow: rng.chance(0.5),
    hoursSummary: rng.chance(0.7)
      ? ['Monday: 8:00 AM – 10:00 PM', 'Tuesday: 8:00 AM – 10:00 PM']
      : [],
    validationStatus: rng.pick(['MATCHED', 'MATCHED', 'UNSURE']),
    validatedBy: rng.pick(['PHONE_LOOKUP', 'ADDRESS_LOOKUP', 'TEXT_SEARCH']),
    matchedFields: ['name', 'phone'],
    confidence: rng.int(50, 99) / 100,
    reasoning: 'Phone number and name match the Places result.',
    timestamp: pastIso(rng, 60),
  };
};

/**
 * @param {Random} rng
 * @param {{imageId: string, receiptId: number}} at
 * @param {string} sectionType
 */
const section = (rng, at, sectionType) => {
  const first = rng.int(1, 30);
  const lineIds = Array.from({ length: rng.int(1, 8) }, (_, i) => first + i);
  return {
    ...at,
    sectionType,
    lineIds,
    createdAt: pastIso(rng, 30),
    confidence: rng.int(60, 99) / 100,
    modelSource: 'layoutlm-v3',
    validationStatus: 'PENDING',
  };
};

/**
 * @param {Random} rng
 * @param {{imageId: string, receiptId: number}} at
 */
const summary = (rng, at) => {
  const subtotal = rng.int(100, 25_000) / 100;
  const tax = Math.round(subtotal * 0.095 * 100) / 100;
  return {
    ...at,
    timestampComputed: pastIso(rng, 10),
    itemCount: rng.int(1, 40),
    merchantName: rng.pick(MERCHANTS)[0] ?? null,
    date: isoPy(BASE_MS - rng.int(1, 30) * 86_400_000, 0, true),
    grandTotal: Math.round((subtotal + tax) * 100) / 100,
    subtotal,
    tax,
    tip: null,
    tenderClass: 'card',
    cardNetwork: 'visa',
    cardLast4: String(rng.int(1000, 9999)),
  };
};

// ---------------------------------------------------------------------------------------
// One record per kind
// ---------------------------------------------------------------------------------------

/**
 * @typedef {object} Change
 * @property {'INSERT' | 'MODIFY' | 'REMOVE'} eventName
 * @property {Item | undefined} [oldImage]
 * @property {Item | undefined} [newImage]
 * @property {boolean} [ttl] a TTL deletion by the DynamoDB service
 */

/** @type {Record<string, (rng: Random, at: {imageId: string, receiptId: number}) => Change>} */
const KINDS = {
  'label-validation': (rng, at) => {
    const before = label(rng, at, 'PENDING');
    const after = {
      ...before,
      validationStatus: rng.chance(0.8) ? 'VALID' : 'INVALID',
      reasoning: `Validated against the receipt text: ${before.label.toLowerCase()} fits.`,
    };
    return {
      eventName: 'MODIFY',
      oldImage: receiptWordLabelItem(before),
      newImage: receiptWordLabelItem(after),
    };
  },
  'place-edit': (rng, at) => {
    const before = place(rng, at);
    const after = rng.chance(0.5)
      ? { ...before, merchantName: `${before.merchantName} #${rng.int(100, 3000)}` }
      : {
          ...before,
          formattedAddress: `${rng.int(100, 9999)} Agoura Rd, Agoura Hills, CA 91301, USA`,
        };
    return {
      eventName: 'MODIFY',
      oldImage: receiptPlaceItem(before),
      newImage: receiptPlaceItem({ ...after, timestamp: recentIso(rng) }),
    };
  },
  'word-remove': (rng, at) => ({
    eventName: 'REMOVE',
    oldImage: receiptWordItem(word(rng, at, 'SUCCESS')),
  }),
  'line-remove': (rng, at) => ({
    eventName: 'REMOVE',
    oldImage: receiptLineItem(line(rng, at, 'SUCCESS')),
  }),
  'receipt-remove': (rng, at) => ({
    eventName: 'REMOVE',
    oldImage: receiptItem({
      ...at,
      width: rng.int(600, 1200),
      height: rng.int(1500, 4000),
      timestampAdded: pastIso(rng),
      rawS3Bucket: 'raw-receipt-images',
      rawS3Key: `raw/${at.imageId}_RECEIPT_${String(at.receiptId).padStart(5, '0')}.png`,
      corners: {
        topLeft: { x: 0.1 + rng.next() * 0.05, y: 0.9 + rng.next() * 0.05 },
        topRight: { x: 0.85 + rng.next() * 0.05, y: 0.9 + rng.next() * 0.05 },
        bottomLeft: { x: 0.1 + rng.next() * 0.05, y: 0.05 + rng.next() * 0.05 },
        bottomRight: { x: 0.85 + rng.next() * 0.05, y: 0.05 + rng.next() * 0.05 },
      },
      sha256: rng.hex(64),
      cdnS3Bucket: rng.chance(0.9) ? 'receipts-cdn' : null,
      cdnBase: rng.chance(0.9) ? `assets/${at.imageId}_RECEIPT_${at.receiptId}` : null,
    }),
  }),
  'label-remove': (rng, at) => ({
    eventName: 'REMOVE',
    oldImage: receiptWordLabelItem(
      label(rng, at, rng.pick(['VALID', 'INVALID', 'PENDING', 'NEEDS_REVIEW'])),
    ),
  }),
  'compaction-run-insert': (rng, at) => ({
    eventName: 'INSERT',
    newImage: compactionRunItem({ ...at, runId: rng.uuid4(), createdAt: recentIso(rng) }),
  }),
  'section-insert': (rng, at) => ({
    eventName: 'INSERT',
    newImage: receiptSectionItem(section(rng, at, rng.pick(SECTION_TYPES))),
  }),
  'section-modify': (rng, at) => {
    const before = section(rng, at, rng.pick(SECTION_TYPES));
    const after = rng.chance(0.5)
      ? { ...before, lineIds: [...before.lineIds, (before.lineIds.at(-1) ?? 0) + 1] }
      : { ...before, validationStatus: rng.chance(0.8) ? 'VALID' : 'INVALID' };
    return {
      eventName: 'MODIFY',
      oldImage: receiptSectionItem(before),
      newImage: receiptSectionItem(after),
    };
  },
  'summary-modify': (rng, at) => {
    const before = summary(rng, at);
    const grandTotal = Math.round(((before.grandTotal ?? 0) + rng.int(1, 500) / 100) * 100) / 100;
    const after = { ...before, timestampComputed: recentIso(rng), grandTotal };
    return {
      eventName: 'MODIFY',
      oldImage: receiptSummaryItem(before),
      newImage: receiptSummaryItem(after),
    };
  },
  'unrelated-lock': (rng) => {
    const lock = {
      collection: rng.pick(['lines', 'words']),
      lockId: 'chroma-snapshot',
      owner: rng.uuid4(),
      expires: isoPy(BASE_MS + 300_000, 0),
      heartbeat: null,
    };
    const roll = rng.int(0, 4);
    if (roll < 2) return { eventName: 'INSERT', newImage: compactionLockItem(lock) };
    if (roll < 4) {
      const beat = { ...lock, heartbeat: isoPy(BASE_MS + 30_000, rng.int(0, 999)) };
      return {
        eventName: 'MODIFY',
        oldImage: compactionLockItem(lock),
        newImage: compactionLockItem(beat),
      };
    }
    return { eventName: 'REMOVE', oldImage: compactionLockItem(lock), ttl: true };
  },
  'unrelated-batch': (rng, at) => {
    const batch = {
      batchId: rng.uuid4(),
      openaiBatchId: `batch_${rng.hex(24)}`,
      status: 'PENDING',
      submittedAt: pastIso(rng, 2),
      receiptRefs: [at, { imageId: at.imageId, receiptId: at.receiptId + 1 }],
    };
    return {
      eventName: 'MODIFY',
      oldImage: batchSummaryItem(batch),
      newImage: batchSummaryItem({ ...batch, status: 'COMPLETED' }),
    };
  },
  'unrelated-image-line': (rng, at) => ({
    eventName: 'INSERT',
    newImage: imageLineItem({
      imageId: at.imageId,
      lineId: rng.int(1, 60),
      text: rng.pick(WORDS),
      ...geometry(rng),
    }),
  }),
  'unrelated-line-item': (rng, at) => {
    const item = {
      ...at,
      lineItemId: rng.int(1, 20),
      description: `${rng.pick(WORDS)} ${rng.pick(WORDS)}`,
      quantity: 1,
      unitPrice: rng.int(99, 2999) / 100,
      lineTotal: 0,
      lineIds: [rng.int(5, 30)],
      updatedAt: pastIso(rng, 1),
    };
    item.lineTotal = item.unitPrice;
    return {
      eventName: 'MODIFY',
      oldImage: receiptLineItemItem(item),
      newImage: receiptLineItemItem({
        ...item,
        quantity: 2,
        lineTotal: Math.round(item.unitPrice * 200) / 100,
        updatedAt: recentIso(rng),
      }),
    };
  },
  'unrelated-letter': (rng, at) => {
    const w = word(rng, at, 'NONE');
    return {
      eventName: 'INSERT',
      newImage: receiptLetterItem({
        ...w,
        letterId: rng.int(1, 6),
        text: w.text.charAt(0),
        ...geometry(rng),
      }),
    };
  },
  'unchanged-word-modify': (rng, at) => {
    const before = word(rng, at, 'PENDING');
    return {
      eventName: 'MODIFY',
      oldImage: receiptWordItem(before),
      newImage: receiptWordItem({ ...before, embeddingStatus: 'SUCCESS' }),
    };
  },
  'unchanged-line-modify': (rng, at) => {
    const before = line(rng, at, 'NONE');
    return {
      eventName: 'MODIFY',
      oldImage: receiptLineItem(before),
      newImage: receiptLineItem({ ...before, embeddingStatus: 'PENDING' }),
    };
  },
  'unchanged-place-modify': (rng, at) => {
    const before = place(rng, at);
    const confidence = before.confidence === 0.99 ? 0.95 : before.confidence + 0.01;
    return {
      eventName: 'MODIFY',
      oldImage: receiptPlaceItem(before),
      newImage: receiptPlaceItem({ ...before, confidence: Math.round(confidence * 100) / 100 }),
    };
  },
  'word-insert': (rng, at) => ({
    eventName: 'INSERT',
    newImage: receiptWordItem(word(rng, at, 'NONE')),
  }),
  'line-insert': (rng, at) => ({
    eventName: 'INSERT',
    newImage: receiptLineItem(line(rng, at, 'NONE')),
  }),
};

// ---------------------------------------------------------------------------------------
// Envelope
// ---------------------------------------------------------------------------------------

/**
 * DynamoDB's item size rule of thumb: attribute names plus values (strings by UTF-8 length,
 * numbers by about one byte per two digits, 3 bytes of overhead per map or list).
 * @param {AttributeValue | Item | undefined} value
 * @returns {number}
 */
const sizeOf = (value) => {
  if (value === undefined) return 0;
  if ('S' in value && typeof value.S === 'string') return Buffer.byteLength(value.S);
  if ('N' in value && typeof value.N === 'string') return Math.ceil(value.N.length / 2) + 1;
  if ('BOOL' in value || 'NULL' in value) return 1;
  if ('L' in value && Array.isArray(value.L)) {
    return value.L.reduce((total, entry) => total + 1 + sizeOf(entry), 3);
  }
  const map = 'M' in value && value.M !== undefined ? value.M : /** @type {Item} */ (value);
  let total = 'M' in value ? 3 : 0;
  for (const [name, entry] of Object.entries(map)) total += Buffer.byteLength(name) + sizeOf(entry);
  return total;
};

/**
 * Allocates exact per-kind counts for `count` records by largest remainder.
 * @param {number} count
 * @returns {Map<string, number>}
 */
export const mixCounts = (count) => {
  const exact = MIX.map((entry) => ({ kind: entry.kind, value: entry.share * count }));
  const counts = new Map(exact.map(({ kind, value }) => [kind, Math.floor(value + 1e-9)]));
  let left = count - [...counts.values()].reduce((a, b) => a + b, 0);
  const byRemainder = [...exact].sort(
    (a, b) =>
      (b.value % 1) - (a.value % 1) ||
      MIX.findIndex((e) => e.kind === a.kind) - MIX.findIndex((e) => e.kind === b.kind),
  );
  for (const { kind } of byRemainder) {
    if (left <= 0) break;
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
    left -= 1;
  }
  return counts;
};

/**
 * @typedef {object} LabelledRecord
 * @property {string} kind the `MIX` kind the record was built as
 * @property {DynamoDBRecord} record
 */

/**
 * Generates the mix with the kind of every record, for tests and sanity checks.
 * @param {{count?: number, seed?: number}} [options]
 * @returns {LabelledRecord[]}
 */
export const generateLabelledEvents = ({ count = 10_000, seed = 42 } = {}) => {
  const rng = createRandom(seed);
  /** @type {string[]} */
  const kinds = [];
  for (const [kind, n] of mixCounts(count)) for (let i = 0; i < n; i += 1) kinds.push(kind);
  for (let i = kinds.length - 1; i > 0; i -= 1) {
    const j = rng.int(0, i);
    [kinds[i], kinds[j]] = [/** @type {string} */ (kinds[j]), /** @type {string} */ (kinds[i])];
  }
  const images = Array.from({ length: Math.max(8, Math.ceil(count / 40)) }, () => rng.uuid4());
  let sequence = 4_210_000_000_000_000_000_000n;
  return kinds.map((kind, index) => {
    const build = /** @type {(typeof KINDS)[string]} */ (KINDS[kind]);
    const change = build(rng, { imageId: rng.pick(images), receiptId: rng.int(1, 3) });
    const image = /** @type {Item} */ (change.newImage ?? change.oldImage);
    sequence += BigInt(rng.int(1, 900_000));
    /** @type {import('aws-lambda').StreamRecord} */
    const dynamodb = {
      ApproximateCreationDateTime: Math.floor(BASE_MS / 1000) + Math.floor(index / 20),
      Keys: { PK: { S: image.PK?.S ?? '' }, SK: { S: image.SK?.S ?? '' } },
    };
    if (change.newImage !== undefined) dynamodb.NewImage = change.newImage;
    if (change.oldImage !== undefined) dynamodb.OldImage = change.oldImage;
    dynamodb.SequenceNumber = sequence.toString();
    dynamodb.SizeBytes = sizeOf(dynamodb.Keys) + sizeOf(change.newImage) + sizeOf(change.oldImage);
    dynamodb.StreamViewType = 'NEW_AND_OLD_IMAGES';
    /** @type {DynamoDBRecord} */
    const record = {
      eventID: rng.hex(32),
      eventName: change.eventName,
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: REGION,
      dynamodb,
      eventSourceARN: STREAM_ARN,
    };
    if (change.ttl === true) {
      record.userIdentity = { type: 'Service', principalId: 'dynamodb.amazonaws.com' };
    }
    return { kind, record };
  });
};

/**
 * Generates `count` deterministic stream records of the documented mix: the same
 * `(count, seed)` always gives deep-equal records.
 * @param {{count?: number, seed?: number}} [options]
 * @returns {DynamoDBRecord[]}
 */
export const generateEvents = (options) =>
  generateLabelledEvents(options).map((entry) => entry.record);

/**
 * The number of messages the HEAD message builder yields for a labelled mix.
 * @param {readonly LabelledRecord[]} labelled
 */
export const expectedMessageCount = (labelled) => {
  const perKind = new Map(MIX.map((entry) => [entry.kind, entry.messages]));
  return labelled.reduce((total, { kind }) => total + (perKind.get(kind) ?? 0), 0);
};
