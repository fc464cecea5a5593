import {
  buildReceiptSortKey,
  imagePk,
  imageReceiptKey,
  PLACE_SORT_KEY,
  type TableKeys,
} from '../keys/receiptKeys.js';
import type { IssueSink } from '../validation/attributes.js';
import type { PrimaryKey } from '../validation/declareEntity.js';
import { addIssue } from '../validation/entityParts.js';
import type { ReceiptPlace } from './receiptPlace.js';

// spec §2.5
/**
 * Keys of a `RECEIPT_PLACE` item: the merchant slug, the secondary index keys, and the
 * read-side key consistency check (with the legacy-GSI4 fix).
 */

/** The fields {@link receiptPlaceKeys} needs. */
export type ReceiptPlaceKeyFields = Pick<
  ReceiptPlace,
  'image_id' | 'receipt_id' | 'place_id' | 'merchant_name' | 'confidence' | 'validation_status'
>;

/** Every key a place item carries; GSI2 is `null` when `place_id` is `""`. */
export type ReceiptPlaceKeys = TableKeys<'GSI1' | 'GSI3' | 'GSI4'> & {
  [Key in 'GSI2PK' | 'GSI2SK']: string | null;
};

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
 *
 * @param merchantName - the place's `merchant_name`
 * @returns the slug; `""` when the name holds no letter or digit
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

/**
 * The PK, SK and every GSI key of a place, exactly as the Python entity writes them.
 *
 * @param place - the place's ids, `place_id`, `merchant_name`, `confidence` and
 *   `validation_status` (the keys that embed them)
 */
export const receiptPlaceKeys = (place: ReceiptPlaceKeyFields): ReceiptPlaceKeys => {
  const PK = imagePk(place.image_id);
  const SK = buildReceiptSortKey(PLACE_SORT_KEY, place);
  const sortKey = `${PK}#${SK}`;
  const matched = place.place_id !== '';
  return {
    PK,
    SK,
    GSI1PK: `MERCHANT#${merchantSlug(place.merchant_name)}`,
    GSI1SK: sortKey,
    GSI2PK: matched ? `PLACE#${place.place_id}` : null,
    GSI2SK: matched ? sortKey : null,
    GSI3PK: 'PLACE_VALIDATION',
    GSI3SK: `CONFIDENCE#${formatFixed4(place.confidence)}#STATUS#${place.validation_status}#IMAGE#${place.image_id}`,
    GSI4PK: imageReceiptKey(place.image_id, place.receipt_id),
    GSI4SK: '1_PLACE',
  };
};

/**
 * The secondary index keys a place item is written with: those of {@link receiptPlaceKeys}
 * without a `null` GSI2. @internal
 */
export const receiptPlaceIndexKeys = (
  place: ReceiptPlaceKeyFields,
): Readonly<Record<string, string>> =>
  Object.fromEntries(
    Object.entries(receiptPlaceKeys(place)).filter(
      (entry): entry is [string, string] =>
        entry[1] !== null && entry[0] !== 'PK' && entry[0] !== 'SK',
    ),
  );

/** The key attributes a place item was stored with (`PK`/`SK` always present). */
export type StoredPlaceKeys = PrimaryKey & {
  readonly [Key in Exclude<keyof ReceiptPlaceKeys, 'PK' | 'SK'>]?: string | undefined;
};

/**
 * True when every key the item holds is exactly what {@link receiptPlaceKeys} gives for
 * the place (so {@link checkReceiptPlaceKeys} has nothing to report).
 * @internal
 */
export const placeKeysMatch = (stored: StoredPlaceKeys, place: ReceiptPlace): boolean => {
  const expected = receiptPlaceKeys(place);
  for (const key in expected) {
    const value = stored[key as keyof ReceiptPlaceKeys];
    if (value !== undefined && value !== expected[key as keyof ReceiptPlaceKeys]) return false;
  }
  return true;
};

const MERCHANT_PARTITION = /^MERCHANT#[A-Z0-9]+(?:_[A-Z0-9]+)*$/;
/** The legacy geohash GSI4 partition, `GEOHASH#<hash>`. */
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
 * The Python key consistency check, plus the legacy-GSI4 fix: identity keys must
 * equal the regenerated ones when present; GSI1PK, GSI2PK and GSI3SK may be stale but
 * well-formed; an empty place id tolerates only the legacy `PLACE#` GSI2; and a legacy
 * `GEOHASH#<hash>` / `PLACE#<place_id>` GSI4 is accepted instead of rejected.
 * @internal
 */
export const checkReceiptPlaceKeys = (
  stored: StoredPlaceKeys,
  place: ReceiptPlace,
  issues: IssueSink,
): void => {
  if (placeKeysMatch(stored, place)) return;
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
