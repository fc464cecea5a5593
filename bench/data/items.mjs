/**
 * Small, self-contained writers for the receipts table's items, laid out exactly as the
 * Python `receipt_dynamo` entities' `to_item()` writes them at HEAD
 * (`/work/shared/spec/dynamo-stream.md` §1.6 number formats, §2 layouts).
 *
 * They deliberately do not import `@receipt-chroma/dynamo-stream`: the benchmark data must
 * be an independent reading of the spec, so a bug in the package's writers cannot hide a
 * bug in its parsers.
 */

/** @typedef {import('aws-lambda').AttributeValue} AttributeValue */
/** @typedef {Record<string, AttributeValue>} Item */

// ---------------------------------------------------------------------------------------
// Number and key formatting (§1.2, §1.6)
// ---------------------------------------------------------------------------------------

/**
 * Expands a finite number's shortest round-trip form (what Python's `str(float)` and JS's
 * `String(n)` agree on, digit for digit) into plain decimal digits.
 * @param {number} value
 * @returns {string}
 */
const plainDigits = (value) => {
  const [mantissa = '0', exponentText = '0'] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const pointAt = Number(exponentText) + 1;
  if (pointAt <= 0) return `0.${'0'.repeat(-pointAt)}${digits}`;
  if (pointAt >= digits.length) return digits + '0'.repeat(pointAt - digits.length);
  return `${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
};

/**
 * Python's `_format_float`: `Decimal(str(value))` rounded `ROUND_HALF_UP` to exactly
 * `places` decimals, e.g. `(0.955, 2)` → `"0.96"`, `(0.1, 20)` → `"0.10000000000000000000"`.
 * @param {number} value
 * @param {number} places
 * @returns {string}
 */
export const decimalText = (value, places) => {
  const [whole = '0', fraction = ''] = plainDigits(value).split('.');
  const padded = fraction.padEnd(places + 1, '0');
  let scaled = BigInt(whole + padded.slice(0, places));
  if (Number(padded[places]) >= 5) scaled += 1n;
  const text = scaled.toString().padStart(places + 1, '0');
  const body = places === 0 ? text : `${text.slice(0, -places)}.${text.slice(-places)}`;
  // Decimal keeps the sign of a negative value even when it rounds to zero (`-0.00`).
  return value < 0 ? `-${body}` : body;
};

/**
 * Python's `str(float)`: `0.85`, `34.0`, `1e-05`.
 * @param {number} value
 * @returns {string}
 */
export const pyFloat = (value) => {
  if (Number.isInteger(value) && Math.abs(value) < 1e16) return `${value}.0`;
  const abs = Math.abs(value);
  if (abs >= 1e-4 && abs < 1e16) return String(value);
  const [mantissa = '0', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
};

/**
 * Python's `{:05d}`.
 * @param {number} id
 * @returns {string}
 */
export const pad5 = (id) => String(id).padStart(5, '0');

/** @param {string} value @returns {AttributeValue} */
const s = (value) => ({ S: value });
/** @param {string | null | undefined} value @returns {AttributeValue} */
const sOrNull = (value) => (value === null || value === undefined ? { NULL: true } : { S: value });
/** @param {number} value @returns {AttributeValue} */
const int = (value) => ({ N: String(value) });
/** @param {number} value @returns {AttributeValue} */
const float = (value) => ({ N: pyFloat(value) });
/** @param {number | null | undefined} value @returns {AttributeValue} */
const floatOrNull = (value) =>
  value === null || value === undefined ? { NULL: true } : { N: pyFloat(value) };
/** @param {number} value @param {number} places @returns {AttributeValue} */
const dec = (value, places) => ({ N: decimalText(value, places) });
/** @param {{x: number, y: number}} p @param {number} places @returns {AttributeValue} */
const point = (p, places) => ({ M: { x: dec(p.x, places), y: dec(p.y, places) } });
/** @param {readonly string[]} values @returns {AttributeValue} */
const stringList = (values) => ({ L: values.map(s) });
/** @param {readonly number[]} values @returns {AttributeValue} */
const intList = (values) => ({ L: values.map(int) });
/** @param {Record<string, string>} map @returns {AttributeValue} */
const stringMap = (map) => ({
  M: Object.fromEntries(Object.entries(map).map(([key, value]) => [key, s(value)])),
});

/** @param {string} imageId @param {number} receiptId */
const imageReceipt = (imageId, receiptId) => `IMAGE#${imageId}#RECEIPT#${pad5(receiptId)}`;

/**
 * @typedef {object} Geometry
 * @property {{x: number, y: number, width: number, height: number}} boundingBox
 * @property {{x: number, y: number}} topLeft
 * @property {{x: number, y: number}} topRight
 * @property {{x: number, y: number}} bottomLeft
 * @property {{x: number, y: number}} bottomRight
 * @property {number} angleDegrees
 * @property {number} angleRadians
 * @property {number} confidence
 */

/**
 * The text-geometry attributes shared by lines, words and letters: box and corners with
 * 20 decimals, angles with 18, confidence with 2.
 * @param {Geometry} g
 * @returns {Item}
 */
const geometry = (g) => ({
  bounding_box: {
    M: {
      x: dec(g.boundingBox.x, 20),
      y: dec(g.boundingBox.y, 20),
      width: dec(g.boundingBox.width, 20),
      height: dec(g.boundingBox.height, 20),
    },
  },
  top_right: point(g.topRight, 20),
  top_left: point(g.topLeft, 20),
  bottom_right: point(g.bottomRight, 20),
  bottom_left: point(g.bottomLeft, 20),
  angle_degrees: dec(g.angleDegrees, 18),
  angle_radians: dec(g.angleRadians, 18),
  confidence: dec(g.confidence, 2),
});

// ---------------------------------------------------------------------------------------
// Receipt-scoped entities the stream parses (§2.1–§2.9)
// ---------------------------------------------------------------------------------------

/**
 * §2.1 `RECEIPT`.
 * @param {{imageId: string, receiptId: number, width: number, height: number, timestampAdded: string,
 *   rawS3Bucket: string, rawS3Key: string, corners: {topLeft: {x: number, y: number},
 *   topRight: {x: number, y: number}, bottomLeft: {x: number, y: number}, bottomRight: {x: number, y: number}},
 *   sha256: string | null, cdnS3Bucket: string | null, cdnBase: string | null}} r
 * @returns {Item}
 */
export const receiptItem = (r) => {
  const rid = pad5(r.receiptId);
  /** @param {string} suffix */
  const cdn = (suffix) => sOrNull(r.cdnBase === null ? null : `${r.cdnBase}${suffix}`);
  return {
    PK: s(`IMAGE#${r.imageId}`),
    SK: s(`RECEIPT#${rid}`),
    GSI1PK: s(`IMAGE#${r.imageId}`),
    GSI1SK: s(`RECEIPT#${rid}`),
    GSI2PK: s('RECEIPT'),
    GSI2SK: s(imageReceipt(r.imageId, r.receiptId)),
    GSI4PK: s(imageReceipt(r.imageId, r.receiptId)),
    GSI4SK: s('0_RECEIPT'),
    TYPE: s('RECEIPT'),
    width: int(r.width),
    height: int(r.height),
    timestamp_added: s(r.timestampAdded),
    raw_s3_bucket: s(r.rawS3Bucket),
    raw_s3_key: s(r.rawS3Key),
    top_left: point(r.corners.topLeft, 18),
    top_right: point(r.corners.topRight, 18),
    bottom_left: point(r.corners.bottomLeft, 18),
    bottom_right: point(r.corners.bottomRight, 18),
    sha256: sOrNull(r.sha256),
    cdn_s3_bucket: sOrNull(r.cdnS3Bucket),
    cdn_s3_key: cdn('.jpg'),
    cdn_webp_s3_key: cdn('.webp'),
    cdn_avif_s3_key: cdn('.avif'),
    cdn_thumbnail_s3_key: cdn('_thumbnail.jpg'),
    cdn_thumbnail_webp_s3_key: cdn('_thumbnail.webp'),
    cdn_thumbnail_avif_s3_key: cdn('_thumbnail.avif'),
    cdn_small_s3_key: cdn('_small.jpg'),
    cdn_small_webp_s3_key: cdn('_small.webp'),
    cdn_small_avif_s3_key: cdn('_small.avif'),
    cdn_medium_s3_key: cdn('_medium.jpg'),
    cdn_medium_webp_s3_key: cdn('_medium.webp'),
    cdn_medium_avif_s3_key: cdn('_medium.avif'),
  };
};

/**
 * §2.2 `RECEIPT_LINE`.
 * @param {{imageId: string, receiptId: number, lineId: number, text: string, embeddingStatus: string,
 *   isNoise: boolean} & Geometry} l
 * @returns {Item}
 */
export const receiptLineItem = (l) => {
  const key = `${imageReceipt(l.imageId, l.receiptId)}#LINE#${pad5(l.lineId)}`;
  return {
    PK: s(`IMAGE#${l.imageId}`),
    SK: s(`RECEIPT#${pad5(l.receiptId)}#LINE#${pad5(l.lineId)}`),
    GSI1PK: s(`EMBEDDING_STATUS#${l.embeddingStatus}`),
    GSI1SK: s(`LINE#${key}`),
    GSI3PK: s(imageReceipt(l.imageId, l.receiptId)),
    GSI3SK: s('LINE'),
    GSI4PK: s(imageReceipt(l.imageId, l.receiptId)),
    GSI4SK: s(`2_LINE#${pad5(l.lineId)}`),
    TYPE: s('RECEIPT_LINE'),
    text: s(l.text),
    ...geometry(l),
    embedding_status: s(l.embeddingStatus),
    is_noise: { BOOL: l.isNoise },
  };
};

/**
 * §2.3 `RECEIPT_WORD`.
 * @param {{imageId: string, receiptId: number, lineId: number, wordId: number, text: string,
 *   embeddingStatus: string, isNoise: boolean, extractedData: Record<string, string> | null} & Geometry} w
 * @returns {Item}
 */
export const receiptWordItem = (w) => {
  const ids = `${imageReceipt(w.imageId, w.receiptId)}#LINE#${pad5(w.lineId)}#WORD#${pad5(w.wordId)}`;
  return {
    PK: s(`IMAGE#${w.imageId}`),
    SK: s(`RECEIPT#${pad5(w.receiptId)}#LINE#${pad5(w.lineId)}#WORD#${pad5(w.wordId)}`),
    GSI1PK: s(`EMBEDDING_STATUS#${w.embeddingStatus}`),
    GSI1SK: s(`WORD#${ids}`),
    GSI2PK: s('RECEIPT'),
    GSI2SK: s(ids),
    GSI3PK: s(imageReceipt(w.imageId, w.receiptId)),
    GSI3SK: s('WORD'),
    GSI4PK: s(imageReceipt(w.imageId, w.receiptId)),
    GSI4SK: s(`3_WORD#${pad5(w.lineId)}#${pad5(w.wordId)}`),
    TYPE: s('RECEIPT_WORD'),
    text: s(w.text),
    ...geometry(w),
    extracted_data: w.extractedData === null ? { NULL: true } : stringMap(w.extractedData),
    embedding_status: s(w.embeddingStatus),
    is_noise: { BOOL: w.isNoise },
  };
};

/**
 * §2.4 `RECEIPT_WORD_LABEL`: no label or id attributes; everything comes from the keys.
 * @param {{imageId: string, receiptId: number, lineId: number, wordId: number, label: string,
 *   reasoning: string | null, timestampAdded: string, validationStatus: string,
 *   labelProposedBy: string | null, labelConsolidatedFrom: string | null}} l
 * @returns {Item}
 */
export const receiptWordLabelItem = (l) => {
  const word = `${imageReceipt(l.imageId, l.receiptId)}#LINE#${pad5(l.lineId)}#WORD#${pad5(l.wordId)}`;
  return {
    PK: s(`IMAGE#${l.imageId}`),
    SK: s(
      `RECEIPT#${pad5(l.receiptId)}#LINE#${pad5(l.lineId)}#WORD#${pad5(l.wordId)}#LABEL#${l.label}`,
    ),
    GSI1PK: s(`LABEL#${l.label}`.padEnd(40, '_')),
    GSI1SK: s(word),
    GSI2PK: s('RECEIPT'),
    GSI2SK: s(word),
    GSI3PK: s(`VALIDATION_STATUS#${l.validationStatus}`),
    GSI3SK: s(`${word}#LABEL#${l.label}`),
    GSI4PK: s(imageReceipt(l.imageId, l.receiptId)),
    GSI4SK: s(`4_LABEL#${pad5(l.lineId)}#${pad5(l.wordId)}#${l.label}`),
    TYPE: s('RECEIPT_WORD_LABEL'),
    reasoning: sOrNull(l.reasoning),
    timestamp_added: s(l.timestampAdded),
    validation_status: s(l.validationStatus),
    label_proposed_by: sOrNull(l.labelProposedBy),
    label_consolidated_from: sOrNull(l.labelConsolidatedFrom),
  };
};

/**
 * The `GSI1PK` slug of a place: upper-cased, runs of non-alphanumerics → `_`, trimmed of `_`.
 * @param {string} merchantName
 */
export const merchantSlug = (merchantName) =>
  merchantName
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');

/**
 * @typedef {object} Place
 * @property {string} imageId
 * @property {number} receiptId
 * @property {string} placeId
 * @property {string} merchantName
 * @property {string | null} merchantCategory
 * @property {readonly string[]} merchantTypes
 * @property {string | null} formattedAddress
 * @property {string | null} shortAddress
 * @property {Record<string, string> | null} addressComponents
 * @property {number | null} latitude
 * @property {number | null} longitude
 * @property {string | null} phoneNumber
 * @property {string | null} phoneIntl
 * @property {string | null} website
 * @property {string | null} mapsUrl
 * @property {string | null} businessStatus
 * @property {boolean | null} openNow
 * @property {readonly string[]} hoursSummary
 * @property {string} validationStatus
 * @property {string | null} validatedBy
 * @property {readonly string[]} matchedFields
 * @property {number} confidence
 * @property {string | null} reasoning
 * @property {string} timestamp
 */

/**
 * §2.5 `RECEIPT_PLACE` as HEAD writes it (native maps and lists, GSI2 omitted for an empty
 * place id, `GSI4SK` `1_PLACE`).
 * @param {Place} p
 * @returns {Item}
 */
export const receiptPlaceItem = (p) => {
  const gsiSk = `${imageReceipt(p.imageId, p.receiptId)}#PLACE`;
  /** @type {Item} */
  const item = {
    PK: s(`IMAGE#${p.imageId}`),
    SK: s(`RECEIPT#${pad5(p.receiptId)}#PLACE`),
    GSI1PK: s(`MERCHANT#${merchantSlug(p.merchantName)}`),
    GSI1SK: s(gsiSk),
  };
  if (p.placeId !== '') {
    item.GSI2PK = s(`PLACE#${p.placeId}`);
    item.GSI2SK = s(gsiSk);
  }
  Object.assign(item, {
    GSI3PK: s('PLACE_VALIDATION'),
    GSI3SK: s(
      `CONFIDENCE#${p.confidence.toFixed(4)}#STATUS#${p.validationStatus}#IMAGE#${p.imageId}`,
    ),
    GSI4PK: s(imageReceipt(p.imageId, p.receiptId)),
    GSI4SK: s('1_PLACE'),
    TYPE: s('RECEIPT_PLACE'),
    image_id: s(p.imageId),
    receipt_id: int(p.receiptId),
    place_id: s(p.placeId),
    merchant_name: s(p.merchantName),
    merchant_category: sOrNull(p.merchantCategory),
    formatted_address: sOrNull(p.formattedAddress),
    short_address: sOrNull(p.shortAddress),
    phone_number: sOrNull(p.phoneNumber),
    phone_intl: sOrNull(p.phoneIntl),
    website: sOrNull(p.website),
    maps_url: sOrNull(p.mapsUrl),
    business_status: sOrNull(p.businessStatus),
    plus_code: { NULL: true },
    validated_by: sOrNull(p.validatedBy),
    reasoning: sOrNull(p.reasoning),
    places_api_version: s('v1'),
    validation_status: s(p.validationStatus),
    timestamp: s(p.timestamp),
    confidence: float(p.confidence),
  });
  if (p.merchantTypes.length > 0) item.merchant_types = stringList(p.merchantTypes);
  if (p.matchedFields.length > 0) item.matched_fields = stringList(p.matchedFields);
  if (p.hoursSummary.length > 0) item.hours_summary = stringList(p.hoursSummary);
  if (p.latitude !== null && p.longitude !== null) {
    item.latitude = float(p.latitude);
    item.longitude = float(p.longitude);
    item.viewport_ne_lat = float(Math.round((p.latitude + 0.0013) * 1e7) / 1e7);
    item.viewport_ne_lng = float(Math.round((p.longitude + 0.0013) * 1e7) / 1e7);
    item.viewport_sw_lat = float(Math.round((p.latitude - 0.0013) * 1e7) / 1e7);
    item.viewport_sw_lng = float(Math.round((p.longitude - 0.0013) * 1e7) / 1e7);
  }
  if (p.openNow !== null) item.open_now = { BOOL: p.openNow };
  if (p.addressComponents !== null) item.address_components = stringMap(p.addressComponents);
  if (p.hoursSummary.length > 0) {
    item.hours_data = {
      M: {
        open_now: { BOOL: p.openNow ?? false },
        weekday_descriptions: stringList(p.hoursSummary),
      },
    };
  }
  return item;
};

/**
 * §2.7 `RECEIPT_SECTION` (no GSIs; HEAD's optional attributes only when set).
 * @param {{imageId: string, receiptId: number, sectionType: string, lineIds: readonly number[],
 *   createdAt: string, confidence?: number, modelSource?: string, validationStatus?: string,
 *   rowIds?: readonly number[]}} x
 * @returns {Item}
 */
export const receiptSectionItem = (x) => {
  /** @type {Item} */
  const item = {
    PK: s(`IMAGE#${x.imageId}`),
    SK: s(`RECEIPT#${pad5(x.receiptId)}#SECTION#${x.sectionType}`),
    TYPE: s('RECEIPT_SECTION'),
    section_type: s(x.sectionType),
    line_ids: intList(x.lineIds),
    created_at: s(x.createdAt),
  };
  if (x.confidence !== undefined) item.confidence = float(x.confidence);
  if (x.modelSource !== undefined) item.model_source = s(x.modelSource);
  if (x.validationStatus !== undefined) item.validation_status = s(x.validationStatus);
  if (x.rowIds !== undefined) item.row_ids = intList(x.rowIds);
  return item;
};

/**
 * §2.8 `RECEIPT_SUMMARY`.
 * @param {{imageId: string, receiptId: number, timestampComputed: string, itemCount: number,
 *   merchantName: string | null, date: string | null, grandTotal: number | null,
 *   subtotal: number | null, tax: number | null, tip: number | null, tenderClass?: string,
 *   cardNetwork?: string, cardLast4?: string}} x
 * @returns {Item}
 */
export const receiptSummaryItem = (x) => {
  /** @type {Item} */
  const item = {
    PK: s(`IMAGE#${x.imageId}`),
    SK: s(`RECEIPT#${pad5(x.receiptId)}#SUMMARY`),
    GSI2PK: s('RECEIPT_SUMMARY'),
    GSI2SK: s(imageReceipt(x.imageId, x.receiptId)),
    GSI4PK: s(imageReceipt(x.imageId, x.receiptId)),
    GSI4SK: s('5_SUMMARY'),
    TYPE: s('RECEIPT_SUMMARY'),
    timestamp_computed: s(x.timestampComputed),
    item_count: int(x.itemCount),
    merchant_name: sOrNull(x.merchantName),
    date: sOrNull(x.date),
    grand_total: floatOrNull(x.grandTotal),
    subtotal: floatOrNull(x.subtotal),
    tax: floatOrNull(x.tax),
    tip: floatOrNull(x.tip),
  };
  if (x.tenderClass !== undefined) item.tender_class = s(x.tenderClass);
  if (x.cardNetwork !== undefined) item.card_network = s(x.cardNetwork);
  if (x.cardLast4 !== undefined) item.card_last4 = s(x.cardLast4);
  return item;
};

/**
 * §2.9 `COMPACTION_RUN` as written when the run is created (both collections PENDING).
 * @param {{imageId: string, receiptId: number, runId: string, createdAt: string}} x
 * @returns {Item}
 */
export const compactionRunItem = (x) => ({
  PK: s(`IMAGE#${x.imageId}`),
  SK: s(`RECEIPT#${pad5(x.receiptId)}#COMPACTION_RUN#${x.runId}`),
  GSI1PK: s('RUNS'),
  GSI1SK: s(`CREATED_AT#${x.createdAt}`),
  TYPE: s('COMPACTION_RUN'),
  run_id: s(x.runId),
  image_id: s(x.imageId),
  receipt_id: int(x.receiptId),
  lines_delta_prefix: s(`lines/delta/${x.runId}/`),
  words_delta_prefix: s(`words/delta/${x.runId}/`),
  lines_state: s('PENDING'),
  words_state: s('PENDING'),
  lines_started_at: { NULL: true },
  lines_finished_at: { NULL: true },
  words_started_at: { NULL: true },
  words_finished_at: { NULL: true },
  lines_error: s(''),
  words_error: s(''),
  lines_merged_vectors: int(0),
  words_merged_vectors: int(0),
  created_at: s(x.createdAt),
  updated_at: { NULL: true },
});

// ---------------------------------------------------------------------------------------
// Items the stream must ignore (§2.10, §2.11)
// ---------------------------------------------------------------------------------------

/**
 * §2.10 `COMPACTION_LOCK` (PK `LOCK#<collection>#<lock_id>`).
 * @param {{collection: string, lockId: string, owner: string, expires: string, heartbeat: string | null}} x
 * @returns {Item}
 */
export const compactionLockItem = (x) => ({
  PK: s(`LOCK#${x.collection}#${x.lockId}`),
  SK: s('LOCK'),
  GSI1PK: s(`LOCK#${x.collection}`),
  GSI1SK: s(`EXPIRES#${x.expires}`),
  TYPE: s('COMPACTION_LOCK'),
  owner: s(x.owner),
  expires: s(x.expires),
  collection: s(x.collection),
  heartbeat: sOrNull(x.heartbeat),
});

/**
 * A batch-summary item (PK `BATCH#<batch_id>`), written by the embedding batch pipeline.
 * @param {{batchId: string, openaiBatchId: string, status: string, submittedAt: string,
 *   receiptRefs: ReadonlyArray<{imageId: string, receiptId: number}>}} x
 * @returns {Item}
 */
export const batchSummaryItem = (x) => ({
  PK: s(`BATCH#${x.batchId}`),
  SK: s('STATUS'),
  GSI1PK: s(`STATUS#${x.status}`),
  GSI1SK: s(`BATCH_TYPE#EMBEDDING#BATCH_ID#${x.batchId}`),
  TYPE: s('BATCH_SUMMARY'),
  batch_type: s('EMBEDDING'),
  openai_batch_id: s(x.openaiBatchId),
  submitted_at: s(x.submittedAt),
  status: s(x.status),
  result_file_id: s('N/A'),
  receipt_refs: {
    L: x.receiptRefs.map((ref) => ({
      M: { image_id: s(ref.imageId), receipt_id: int(ref.receiptId) },
    })),
  },
});

/**
 * An image-level line (SK `LINE#00001`, no `RECEIPT#` prefix).
 * @param {{imageId: string, lineId: number, text: string} & Geometry} x
 * @returns {Item}
 */
export const imageLineItem = (x) => ({
  PK: s(`IMAGE#${x.imageId}`),
  SK: s(`LINE#${pad5(x.lineId)}`),
  GSI1PK: s(`IMAGE#${x.imageId}`),
  GSI1SK: s(`LINE#${pad5(x.lineId)}`),
  TYPE: s('LINE'),
  text: s(x.text),
  ...geometry(x),
});

/**
 * A receipt line item (SK `RECEIPT#00001#LINE_ITEM#00001`), written by the line-item updater.
 * @param {{imageId: string, receiptId: number, lineItemId: number, description: string,
 *   quantity: number, unitPrice: number, lineTotal: number, lineIds: readonly number[], updatedAt: string}} x
 * @returns {Item}
 */
export const receiptLineItemItem = (x) => ({
  PK: s(`IMAGE#${x.imageId}`),
  SK: s(`RECEIPT#${pad5(x.receiptId)}#LINE_ITEM#${pad5(x.lineItemId)}`),
  GSI4PK: s(imageReceipt(x.imageId, x.receiptId)),
  GSI4SK: s(`6_LINE_ITEM#${pad5(x.lineItemId)}`),
  TYPE: s('RECEIPT_LINE_ITEM'),
  description: s(x.description),
  quantity: float(x.quantity),
  unit_price: float(x.unitPrice),
  line_total: float(x.lineTotal),
  line_ids: intList(x.lineIds),
  updated_at: s(x.updatedAt),
});

/**
 * A receipt letter (SK `…#WORD#00003#LETTER#00001`): detected as a word by the SK matcher,
 * but it must never parse as one (§14 fix 6).
 * @param {{imageId: string, receiptId: number, lineId: number, wordId: number, letterId: number,
 *   text: string} & Geometry} x
 * @returns {Item}
 */
export const receiptLetterItem = (x) => ({
  PK: s(`IMAGE#${x.imageId}`),
  SK: s(
    `RECEIPT#${pad5(x.receiptId)}#LINE#${pad5(x.lineId)}#WORD#${pad5(x.wordId)}#LETTER#${pad5(x.letterId)}`,
  ),
  TYPE: s('RECEIPT_LETTER'),
  text: s(x.text),
  ...geometry(x),
});
