import {
  type KeyIdentityReader,
  keyIdentityReader,
  receiptKeyShape,
} from '../keys/receiptKeyReaders.js';
import { imagePk, imageReceiptKey, padId, receiptSkPrefix } from '../keys/receiptKeys.js';
import type { IssueSink } from '../validation/attributes.js';
import { addIssue } from '../validation/entityParts.js';
import type { ReceiptPlace } from './receiptPlace.js';

/**
 * Keys of a `RECEIPT_PLACE` item: the merchant slug, the key layout, and the read-side
 * key consistency check (with the legacy-GSI4 fix).
 */

/** The fields {@link receiptPlaceKeys} needs. */
export type ReceiptPlaceKeyFields = Pick<
  ReceiptPlace,
  'image_id' | 'receipt_id' | 'place_id' | 'merchant_name' | 'confidence' | 'validation_status'
>;

/** Every key a place item carries; GSI2 is `null` when `place_id` is `""`. */
export interface ReceiptPlaceKeys {
  PK: string;
  SK: string;
  GSI1PK: string;
  GSI1SK: string;
  GSI2PK: string | null;
  GSI2SK: string | null;
  GSI3PK: string;
  GSI3SK: string;
  GSI4PK: string;
  GSI4SK: string;
}

const NOT_SLUG = /[^A-Z0-9]+/g;
const EDGE_UNDERSCORES = /^_+|_+$/g;

/**
 * Recent slugs by merchant name: a place is validated and keyed with its slug, and the same
 * merchants recur across a table's writes. Cleared when full, so it stays small.
 */
const slugs = new Map<string, string>();
const SLUG_CACHE_SIZE = 512;

/**
 * The GSI1 merchant slug: upper-cased, every run of characters outside `A-Z0-9` replaced
 * by `_`, leading and trailing `_` removed (`"Trader Joe's #12"` → `TRADER_JOE_S_12`).
 */
export const merchantSlug = (merchantName: string): string => {
  let slug = slugs.get(merchantName);
  if (slug === undefined) {
    slug = merchantName.toUpperCase().replace(NOT_SLUG, '_').replace(EDGE_UNDERSCORES, '');
    if (slugs.size >= SLUG_CACHE_SIZE) slugs.clear();
    slugs.set(merchantName, slug);
  }
  return slug;
};

/**
 * Formats a number with 4 decimals like Python's `f"{x:.4f}"`: correctly rounded from the
 * binary value, with exact ties (only multiples of 1/32 at 4 decimals) rounded to even,
 * where `toFixed` would round them up.
 */
const formatFixed4 = (value: number): string => {
  const thirtySeconds = value * 32;
  if (Number.isInteger(thirtySeconds) && Math.abs(thirtySeconds) % 2 === 1) {
    const scaled = value * 10_000; // exact: an odd multiple of 312.5
    const floor = Math.floor(scaled);
    const even = floor % 2 === 0 ? floor : floor + 1;
    return (even / 10_000).toFixed(4);
  }
  return value.toFixed(4);
};

/** The PK, SK and every GSI key of a place, exactly as the Python entity writes them. */
export const receiptPlaceKeys = (place: ReceiptPlaceKeyFields): ReceiptPlaceKeys => {
  const sortKey = `${imageReceiptKey(place.image_id, place.receipt_id)}#PLACE`;
  return {
    PK: imagePk(place.image_id),
    SK: `${receiptSkPrefix(place.receipt_id)}#PLACE`,
    GSI1PK: `MERCHANT#${merchantSlug(place.merchant_name)}`,
    GSI1SK: sortKey,
    GSI2PK: place.place_id === '' ? null : `PLACE#${place.place_id}`,
    GSI2SK: place.place_id === '' ? null : sortKey,
    GSI3PK: 'PLACE_VALIDATION',
    GSI3SK: `CONFIDENCE#${formatFixed4(place.confidence)}#STATUS#${place.validation_status}#IMAGE#${place.image_id}`,
    GSI4PK: imageReceiptKey(place.image_id, place.receipt_id),
    GSI4SK: '1_PLACE',
  };
};

/**
 * Reads a place's ids from its keys alone (`IMAGE#<id>`, `RECEIPT#<rid>#PLACE`), with the
 * place's rules for them. @internal
 */
export const RECEIPT_PLACE_KEY_READER: KeyIdentityReader<
  Pick<ReceiptPlace, 'image_id' | 'receipt_id'>
> = /* @__PURE__ */ keyIdentityReader(
  {
    entity: 'ReceiptPlace',
    segments: ['RECEIPT'],
    ids: ['receipt_id'],
    last: 'PLACE',
    exact: true,
  },
  receiptKeyShape,
);

/** True when `value` is exactly `a + b + c + d + e + f` (no string is built). */
const isJoin = (value: string, a: string, b = '', c = '', d = '', e = '', f = ''): boolean =>
  value.length === a.length + b.length + c.length + d.length + e.length + f.length &&
  value.startsWith(a) &&
  value.startsWith(b, a.length) &&
  value.startsWith(c, a.length + b.length) &&
  value.startsWith(d, a.length + b.length + c.length) &&
  value.startsWith(e, value.length - e.length - f.length) &&
  value.endsWith(f);

/** True when `key` is absent or the `IMAGE#<id>#RECEIPT#<rid>#PLACE` sort key. */
const isPlaceSortKey = (key: string | undefined, imageId: string, receipt: string): boolean =>
  key === undefined || isJoin(key, 'IMAGE#', imageId, '#RECEIPT#', receipt, '#PLACE');

/** The key attributes a place item was stored with (`PK`/`SK` always present). */
export interface StoredPlaceKeys {
  readonly PK: string;
  readonly SK: string;
  readonly GSI1PK?: string | undefined;
  readonly GSI1SK?: string | undefined;
  readonly GSI2PK?: string | undefined;
  readonly GSI2SK?: string | undefined;
  readonly GSI3PK?: string | undefined;
  readonly GSI3SK?: string | undefined;
  readonly GSI4PK?: string | undefined;
  readonly GSI4SK?: string | undefined;
}

const MERCHANT_PARTITION = /^MERCHANT#[A-Z0-9]+(?:_[A-Z0-9]+)*$/;
/** The legacy geohash GSI4 partition, `GEOHASH#<hash>` (spec §2.5). */
const LEGACY_GSI4PK = /^GEOHASH#./;
const CONFIDENCE_STATUS_PREFIX = /^CONFIDENCE#(?:0\.\d{4}|1\.0000)#STATUS#/;

/** Stale-but-well-formed shapes tolerated for the keys that embed a mutable field. */
const isWellFormed = (key: 'GSI1PK' | 'GSI2PK' | 'GSI3SK', value: string, imageId: string) => {
  if (key === 'GSI1PK') return MERCHANT_PARTITION.test(value);
  if (key === 'GSI2PK') return value.startsWith('PLACE#') && value.slice(6).trim() !== '';
  const suffix = `#IMAGE#${imageId}`;
  return value.endsWith(suffix) && CONFIDENCE_STATUS_PREFIX.test(value.slice(0, -suffix.length));
};

const mismatch = (issues: IssueSink, key: string, stored: string, expected: string) => {
  const source =
    key === 'PK' || key === 'SK'
      ? `the image_id/receipt_id attributes give "${expected}"`
      : `the entity gives "${expected}"`;
  addIssue(issues, [key], `${key} does not match entity keys: got "${stored}" but ${source}`);
};

/**
 * True when every key the item holds is exactly what {@link receiptPlaceKeys} gives for
 * the place (so {@link checkReceiptPlaceKeys} has nothing to report), checked without
 * building the key strings. A `false` says nothing: the full check then decides.
 * @internal
 */
export const placeKeysMatch = (stored: StoredPlaceKeys, place: ReceiptPlace): boolean => {
  const id = place.image_id;
  const receipt = padId(place.receipt_id);
  const { PK, SK, GSI1PK, GSI1SK, GSI2PK, GSI2SK, GSI3PK, GSI3SK, GSI4PK, GSI4SK } = stored;
  if (!isJoin(PK, 'IMAGE#', id) || !isJoin(SK, 'RECEIPT#', receipt, '#PLACE')) return false;
  if (!isPlaceSortKey(GSI1SK, id, receipt)) return false;
  if (GSI1PK !== undefined && !isJoin(GSI1PK, 'MERCHANT#', merchantSlug(place.merchant_name))) {
    return false;
  }
  if (place.place_id === '') {
    if (GSI2PK !== undefined || GSI2SK !== undefined) return false;
  } else {
    if (GSI2PK !== undefined && !isJoin(GSI2PK, 'PLACE#', place.place_id)) return false;
    if (!isPlaceSortKey(GSI2SK, id, receipt)) return false;
  }
  if (GSI3PK !== undefined && GSI3PK !== 'PLACE_VALIDATION') return false;
  if (GSI4SK !== undefined && GSI4SK !== '1_PLACE') return false;
  if (GSI4PK !== undefined && !isJoin(GSI4PK, 'IMAGE#', id, '#RECEIPT#', receipt)) return false;
  return (
    GSI3SK === undefined ||
    isJoin(
      GSI3SK,
      'CONFIDENCE#',
      formatFixed4(place.confidence),
      '#STATUS#',
      place.validation_status,
      '#IMAGE#',
      id,
    )
  );
};

/**
 * The Python key consistency check, plus the legacy-GSI4 fix: identity keys must equal the
 * regenerated ones when present; GSI1PK, GSI2PK and GSI3SK may be stale but well-formed;
 * an empty place id tolerates only the legacy `PLACE#` GSI2; and a legacy
 * `GEOHASH#<hash>` / `PLACE#<place_id>` GSI4 is accepted instead of rejected.
 * @internal
 */
export const checkReceiptPlaceKeys = (
  stored: StoredPlaceKeys,
  place: ReceiptPlace,
  issues: IssueSink,
): void => {
  const expected = receiptPlaceKeys(place);
  const legacyGsi4 = stored.GSI4PK !== undefined && LEGACY_GSI4PK.test(stored.GSI4PK);
  for (const key of ['PK', 'SK', 'GSI1SK', 'GSI3PK', 'GSI4PK', 'GSI4SK'] as const) {
    const value = stored[key];
    if (value === undefined || value === expected[key]) continue;
    if (legacyGsi4 && key === 'GSI4PK') continue;
    if (legacyGsi4 && key === 'GSI4SK' && value.startsWith('PLACE#')) continue;
    mismatch(issues, key, value, expected[key]);
  }
  for (const key of ['GSI1PK', 'GSI3SK'] as const) {
    const value = stored[key];
    if (value === undefined || value === expected[key]) continue;
    if (!isWellFormed(key, value, place.image_id)) mismatch(issues, key, value, expected[key]);
  }
  if (expected.GSI2PK !== null) {
    if (stored.GSI2PK !== undefined && stored.GSI2PK !== expected.GSI2PK) {
      if (!isWellFormed('GSI2PK', stored.GSI2PK, place.image_id)) {
        mismatch(issues, 'GSI2PK', stored.GSI2PK, expected.GSI2PK);
      }
    }
    if (stored.GSI2SK !== undefined && stored.GSI2SK !== expected.GSI2SK) {
      mismatch(issues, 'GSI2SK', stored.GSI2SK, expected.GSI2SK ?? '');
    }
  } else if (stored.GSI2PK !== undefined || stored.GSI2SK !== undefined) {
    // Older unmatched rows wrote the exact legacy GSI2 `PLACE#` + the usual sort key.
    const legacy = { GSI2PK: 'PLACE#', GSI2SK: expected.GSI1SK };
    for (const key of ['GSI2PK', 'GSI2SK'] as const) {
      if (stored[key] !== legacy[key])
        mismatch(issues, key, stored[key] ?? '(absent)', legacy[key]);
    }
  }
};
