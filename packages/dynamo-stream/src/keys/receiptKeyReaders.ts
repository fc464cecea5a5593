import { type Codec, INVALID, type IssueSink } from '../validation/attributes.js';
import { object, type Shape, type ShapeOutput } from '../validation/rules.js';
import { parsePythonInt, plainDigits } from '../validation/validators.js';
import {
  imageIdFromPk,
  nameOfReceiptSortKey,
  type ReceiptKeyLayout,
  splitReceiptSortKey,
} from './receiptKeys.js';

/**
 * Reading receipt-scoped keys (`IMAGE#<id>`, `RECEIPT#<rid>#LINE#<lid>…`): the layouts the
 * item parsers read their sort keys by, and the readers that take an entity's identity
 * from a record's keys alone, with the entity's own rules for those fields.
 */

/** Reports a malformed key on the `PK` or `SK` attribute of an item. @internal */
export const reportKeyIssue = (
  issues: IssueSink,
  attribute: 'PK' | 'SK',
  message: string,
  key: string,
): void => {
  issues.push({ code: 'custom', message, path: [attribute], input: key });
};

/**
 * Reads the integer id at `index` of a split sort key like Python's `int()` (leading zeros
 * are fine), reporting `<name> in SK must be an integer` when it is not one.
 * @internal
 */
export const readKeyId = (
  issues: IssueSink,
  parts: readonly string[],
  index: number,
  name: string,
  sk: string,
): number | undefined => {
  const text = parts[index] ?? '';
  const value = parsePythonInt(text);
  if (value === undefined) {
    reportKeyIssue(
      issues,
      'SK',
      `${name} in SK must be an integer, got ${JSON.stringify(text)}`,
      sk,
    );
  }
  return value;
};

/**
 * Reads an item's `SK` by `layout`, reporting a malformed key (`Invalid SK format for
 * <entity>: <SK>`) and every id that is not an integer ({@link readKeyId}). When the key
 * is well formed, sets `image_id` (from `PK`), the ids in layout order and the layout's
 * `name` on `decoded` and returns it as the entity candidate; otherwise returns `undefined`.
 * @internal
 */
export const receiptKeyCandidate = (
  issues: IssueSink,
  decoded: { readonly PK: string; readonly SK: string },
  layout: ReceiptKeyLayout,
): Record<string, unknown> | undefined => {
  const { PK: pk, SK: sk } = decoded;
  const parts = splitReceiptSortKey(sk, layout);
  if (parts === undefined) {
    reportKeyIssue(issues, 'SK', `Invalid SK format for ${layout.entity}: ${sk}`, sk);
    return undefined;
  }
  const names = layout.ids;
  const ids: (number | undefined)[] = [];
  let valid = true;
  for (let index = 0; index < names.length; index += 1) {
    const id = readKeyId(issues, parts, 2 * index + 1, names[index] as string, sk);
    if (id === undefined) valid = false;
    ids.push(id);
  }
  if (!valid) return undefined;
  const candidate: Record<string, unknown> = decoded as unknown as Record<string, unknown>;
  candidate['image_id'] = imageIdFromPk(pk);
  for (let index = 0; index < names.length; index += 1) {
    candidate[names[index] as string] = ids[index];
  }
  if (layout.name !== undefined) candidate[layout.name] = nameOfReceiptSortKey(parts, layout);
  return candidate;
};

/**
 * Reads an entity's identity from a record's keys alone, as a REMOVE does when the stream
 * has no old image.
 */
export type KeyIdentityReader<Identity> = (keys: {
  readonly pk: string;
  readonly sk: string;
}) => Identity | undefined;

const keyIssues: IssueSink = [];
const IMAGE_PREFIX = 'IMAGE#';

/**
 * Builds a {@link KeyIdentityReader}: the sort key is read by `layout` and the fields it
 * yields are checked with `shape`, the entity's own rules for them (so the keys are valid
 * exactly when the entity would accept those fields), and the partition key must be
 * exactly `IMAGE#<image_id>`, as the table writes it. Returns `undefined` for keys that
 * break any of this.
 * @internal
 */
/* @__NO_SIDE_EFFECTS__ */
export function keyIdentityReader<S extends Shape>(
  layout: ReceiptKeyLayout,
  shape: () => S,
): KeyIdentityReader<ShapeOutput<S>> {
  let rule: Codec<ShapeOutput<S>> | undefined;
  const { ids, name } = layout;
  return ({ pk, sk }) => {
    const parts = splitReceiptSortKey(sk, layout);
    if (parts === undefined || !pk.startsWith(IMAGE_PREFIX)) return undefined;
    // The whole rest of the PK: an image id holding a `#` fails the UUID rule.
    const candidate: Record<string, unknown> = { image_id: pk.slice(IMAGE_PREFIX.length) };
    for (let index = 0; index < ids.length; index += 1) {
      const id = parsePythonInt(parts[2 * index + 1] ?? '');
      if (id === undefined) return undefined;
      candidate[ids[index] as string] = id;
    }
    if (name !== undefined) candidate[name] = nameOfReceiptSortKey(parts, layout);
    rule ??= object(shape());
    const identity = rule(candidate, keyIssues);
    keyIssues.length = 0;
    return identity === INVALID ? undefined : identity;
  };
}

/**
 * Reads `<prefix><digits>#` at `start` of a key; returns the index after the `#` and
 * stores the id in `ids[slot]`, or returns -1. For the fast parsing paths. @internal
 */
export const scanKeyId = (
  key: string,
  start: number,
  prefix: string,
  ids: number[],
  slot: number,
): number => {
  if (!key.startsWith(prefix, start)) return -1;
  const from = start + prefix.length;
  const end = key.indexOf('#', from);
  const id = end === -1 ? undefined : plainDigits(key, from, end);
  if (id === undefined || id < 1) return -1;
  ids[slot] = id;
  return end + 1;
};
