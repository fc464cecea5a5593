import * as z from 'zod/mini';
import type { AttributeValue, DynamoDBItem } from '../types.js';
import {
  type BoundingBox,
  type Codec,
  INVALID,
  type Invalid,
  type IssueSink,
  isObject,
  type Point,
} from './attributes.js';
import { imageIdFromPk } from './keys.js';
import {
  check,
  int,
  nullable,
  number,
  object,
  type Shape,
  type ShapeOutput,
  string,
} from './rules.js';
import {
  formatPythonFloat,
  isIsoTimestamp,
  isValidUuid,
  parsePythonInt,
  plainDigits,
} from './validators.js';

/**
 * Building blocks shared by the entity schemas: field validators with the Python entities'
 * messages, the fast acceptance paths that skip zod for valid entities, and the glue that
 * lets an item schema reuse its entity's rules.
 */

/**
 * An entity's validation. `rules` builds (on first use) the plain-code rules, which
 * decide every case and report the Python messages. `accept` is a shortcut for valid
 * entities: it returns exactly what the rules would return for `candidate` when it
 * certainly satisfies them, and `undefined` otherwise, so the rules only run to decide
 * the doubtful cases and to report.
 * @internal
 */
export interface EntityRules<Entity> {
  readonly accept: (candidate: unknown) => Entity | undefined;
  /** Validates with `accept` first, then the full rules. */
  readonly check: Codec<Entity>;
  /** The full rules alone, without the `accept` shortcut (built on first use). */
  readonly full: () => Codec<Entity>;
}

/** Pairs an entity's rules (built lazily) with its fast acceptance path. @internal */
export const entityRules = <Entity>(
  rules: () => Codec<Entity>,
  accept: (candidate: unknown) => Entity | undefined,
): EntityRules<Entity> => {
  let built: Codec<Entity> | undefined;
  const full = (): Codec<Entity> => (built ??= rules());
  return {
    accept,
    check: (candidate, issues) => accept(candidate) ?? full()(candidate, issues),
    full,
  };
};

/**
 * The public zod schema of an entity: it parses with the entity's rules and reports
 * their issues unchanged.
 * @internal
 */
/* @__NO_SIDE_EFFECTS__ */
export function entitySchema<Entity>(rules: EntityRules<Entity>): z.ZodMiniType<Entity> {
  return z.transform((candidate: unknown, ctx): Entity => {
    const entity = rules.check(candidate, ctx.issues);
    return entity === INVALID ? z.NEVER : entity;
  }) as unknown as z.ZodMiniType<Entity>;
}

/**
 * Validates `candidate` with an entity's rules, so an item parser reports the entity's
 * messages at attribute paths without repeating its rules. `keyFields` maps fields read
 * from a key to that key (`{ image_id: 'PK' }`), so their issues point at the attribute
 * that holds them. Returns the parsed entity, or `undefined` when it is invalid.
 * @internal
 */
export const validateInto = <Entity>(
  rules: EntityRules<Entity>,
  candidate: unknown,
  issues: IssueSink,
  keyFields: Readonly<Record<string, string>> = {},
): Entity | undefined => {
  const start = issues.length;
  const entity = rules.check(candidate, issues);
  for (let index = start; index < issues.length; index += 1) {
    const issue = issues[index] as { path?: PropertyKey[]; input?: unknown };
    const [head, ...rest] = issue.path ?? [];
    const attribute = typeof head === 'string' ? (keyFields[head] ?? head) : head;
    issue.path = attribute === undefined ? [] : [attribute, ...rest];
    issue.input = undefined;
  }
  return entity === INVALID ? undefined : entity;
};

/**
 * Validates a candidate decoded from an item with the entity's own rules, inside an item
 * parser. Issues keep their paths (entity fields are named like attributes); issues on
 * fields that come from the keys are moved onto the key attribute, e.g.
 * `{ image_id: 'PK', receipt_id: 'SK' }`. {@link validateInto} for the build step of an
 * item parser, which returns {@link INVALID} when the entity is invalid.
 * @internal
 */
export const validateDecodedEntity = <Entity>(
  rules: EntityRules<Entity>,
  candidate: unknown,
  issues: IssueSink,
  keyAttributes: Readonly<Record<string, string>>,
): Entity | Invalid => validateInto(rules, candidate, issues, keyAttributes) ?? INVALID;

/** Adds a custom issue at `path` (an attribute name or a path below it). @internal */
export const addIssue = (
  issues: IssueSink,
  path: readonly PropertyKey[],
  message: string,
): void => {
  issues.push({ code: 'custom', path: [...path], message, input: undefined });
};

// Field rules, with the Python entities' messages.

/** A version 4 or 5 UUID string, with the Python entities' messages. */
export const uuid = (): Codec<string> =>
  string('uuid must be a string', check(isValidUuid, 'uuid must be a valid UUIDv4'));

/** An integer id that must be `> 0`, with the messages of Python's `validate_positive_int`. */
export const positiveInt = (name: string): Codec<number> =>
  int(
    `${name} must be an integer`,
    check((value) => value >= 1, `${name} must be positive`),
  );

/** An integer that must be `>= 0`, with the messages of Python's `validate_non_negative_int`. */
export const nonNegativeInt = (name: string): Codec<number> =>
  int(
    `${name} must be an integer`,
    check((value) => value >= 0, `${name} must be non-negative`),
  );

/** A string Python's `datetime.fromisoformat` accepts, kept verbatim. */
export const isoTimestamp = (name: string): Codec<string> =>
  string(
    `${name} must be a string`,
    check(isIsoTimestamp, `${name} must be a valid ISO format timestamp`),
  );

/** A string or `null`; a non-string reports `<name> must be a string`. */
export const nullableString = (name: string): Codec<string | null> =>
  nullable(string(`${name} must be a string`));

/** A finite number in `[0, 1]` or `null`; anything else reports `<name> must be in [0, 1]`. */
export const nullableUnitInterval = (name: string): Codec<number | null> => {
  const message = `${name} must be in [0, 1]`;
  return nullable(
    number(
      message,
      check((value) => value >= 0, message),
      check((value) => value <= 1, message),
    ),
  );
};

const coordinate = (key: 'x' | 'y' | 'width' | 'height', owner: string): Codec<number> =>
  number((input) =>
    input === undefined
      ? `${owner} must contain the key '${key}'`
      : `${owner}['${key}'] must be a number`,
  );

/** A point with exactly the finite numbers `x` and `y`, as HEAD's `assert_valid_point` demands. */
export const pointRule = (): Codec<Point> =>
  object(
    { x: coordinate('x', 'point'), y: coordinate('y', 'point') },
    {
      notAnObject: 'point must be a dictionary',
      unknownKeys: "point must contain exactly 'x' and 'y' keys",
    },
  );

/** A bounding box with exactly the finite numbers `x`, `y`, `width` and `height`. */
export const boundingBoxRule = (): Codec<BoundingBox> =>
  object(
    {
      x: coordinate('x', 'bounding_box'),
      y: coordinate('y', 'bounding_box'),
      width: coordinate('width', 'bounding_box'),
      height: coordinate('height', 'bounding_box'),
    },
    {
      notAnObject: 'bounding_box must be a dictionary',
      unknownKeys: "bounding_box must contain exactly 'x', 'y', 'width' and 'height' keys",
    },
  );

/** A confidence `0 < c <= 1`, reporting `confidence must be between 0 and 1, got X`. */
export const ocrConfidence = (): Codec<number> =>
  number(
    'confidence must be a number',
    check(
      (value) => value > 0 && value <= 1,
      (input) => `confidence must be between 0 and 1, got ${formatPythonFloat(input as number)}`,
    ),
  );

/** The values of an enum-like object, joined with `, `. @internal */
export const listValues = (values: Readonly<Record<string, string>>): string =>
  Object.values(values).join(', ');

/** The message Python's `normalize_enum` gives for a value outside an enum. */
export const enumMessage = (name: string, values: readonly string[], got: unknown): string =>
  `${name} must be one of: ${values.join(', ')}\nGot: ${String(got)}`;

// Fast acceptance: plain checks that accept exactly what the zod field rules above accept
// (a value they reject falls through to the rules, which report it).

/** What `z.object` accepts: a non-null object that is not an array. @internal */
export const isRecord: (value: unknown) => value is Record<string, unknown> = isObject;

/** What `z.number()` accepts: a finite number. @internal */
export const isFiniteNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

/** What {@link positiveIntSchema} accepts. @internal */
export const isPositiveInt = (value: unknown): value is number =>
  Number.isSafeInteger(value) && (value as number) >= 1;

/** What {@link nonNegativeIntSchema} accepts. @internal */
export const isNonNegativeInt = (value: unknown): value is number =>
  Number.isSafeInteger(value) && (value as number) >= 0;

/** What {@link isoTimestampSchema} accepts. @internal */
export const isTimestamp = (value: unknown): value is string =>
  typeof value === 'string' && isIsoTimestamp(value);

/** What {@link nullableStringSchema} accepts. @internal */
export const isNullableString = (value: unknown): value is string | null =>
  value === null || typeof value === 'string';

/** What {@link nullableUnitIntervalSchema} accepts. @internal */
export const isNullableUnitInterval = (value: unknown): value is number | null =>
  value === null || (isFiniteNumber(value) && value >= 0 && value <= 1);

/** What {@link pointSchema} returns for `value`, or `undefined`. @internal */
export const acceptPoint = (value: unknown): Point | undefined => {
  if (!isRecord(value)) return undefined;
  const { x, y } = value;
  if (!isFiniteNumber(x) || !isFiniteNumber(y)) return undefined;
  for (const key in value) if (key !== 'x' && key !== 'y') return undefined;
  return { x, y };
};

/** What {@link boundingBoxSchema} returns for `value`, or `undefined`. @internal */
export const acceptBoundingBox = (value: unknown): BoundingBox | undefined => {
  if (!isRecord(value)) return undefined;
  const { x, y, width, height } = value;
  if (!isFiniteNumber(x) || !isFiniteNumber(y) || !isFiniteNumber(width)) return undefined;
  if (!isFiniteNumber(height)) return undefined;
  for (const key in value) {
    if (key !== 'x' && key !== 'y' && key !== 'width' && key !== 'height') return undefined;
  }
  return { x, y, width, height };
};

/** What {@link ocrConfidenceSchema} accepts. @internal */
export const isOcrConfidence = (value: unknown): value is number =>
  isFiniteNumber(value) && value > 0 && value <= 1;

// Keys.

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
 * The layout of a receipt-scoped sort key (`RECEIPT#<rid>#LINE#<lid>…`): the literal
 * segments at the even indexes, the ids read at the odd indexes after them, and whether the
 * key has exactly these segments or may go on (`RECEIPT#<rid>#SECTION#<type>`).
 * @internal
 */
export interface ReceiptKeyLayout {
  /** The entity named in the message for a malformed key, as Python words it. */
  readonly entity: string;
  /** The literal segments at indexes 0, 2, 4…, e.g. `['RECEIPT', 'LINE']`. */
  readonly segments: readonly string[];
  /** The id names read at indexes 1, 3, 5…, e.g. `['receipt_id', 'line_id']`. */
  readonly ids: readonly string[];
  /**
   * The field read from the rest of the key after the last segment, e.g. `label` for
   * `…#LABEL#<label>`; none when the key ends with an id.
   */
  readonly name?: string | undefined;
  /** A literal final segment with nothing after it, e.g. `PLACE` in `RECEIPT#<rid>#PLACE`. */
  readonly last?: string | undefined;
  /** True when the key has exactly these segments; false when it may have more. */
  readonly exact: boolean;
}

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
  const parts = sk.split('#');
  const { segments, ids: names, last } = layout;
  const length = 2 * segments.length + (last === undefined ? 0 : 1);
  let wellFormed = layout.exact ? parts.length === length : parts.length >= length;
  for (let index = 0; wellFormed && index < segments.length; index += 1) {
    wellFormed = parts[2 * index] === segments[index];
  }
  if (wellFormed && last !== undefined) wellFormed = parts[length - 1] === last;
  if (!wellFormed) {
    reportKeyIssue(issues, 'SK', `Invalid SK format for ${layout.entity}: ${sk}`, sk);
    return undefined;
  }
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
  if (layout.name !== undefined) {
    candidate[layout.name] = parts.slice(2 * segments.length - 1).join('#');
  }
  return candidate;
};

/**
 * The rules of the fields every receipt-scoped key holds, `image_id` and `receipt_id`
 * (`> 0`), shared by the entity rules and their {@link keyIdentityReader}s. @internal
 */
export const receiptKeyShape = (): {
  readonly image_id: Codec<string>;
  readonly receipt_id: Codec<number>;
} => ({
  image_id: uuid(),
  receipt_id: positiveInt('receipt_id'),
});

/**
 * Reads an entity's identity from a record's keys alone, as a REMOVE does when the stream
 * has no old image. @internal
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
  return ({ pk, sk }) => {
    keyIssues.length = 0;
    const candidate = receiptKeyCandidate(keyIssues, { PK: pk, SK: sk }, layout);
    const imageId = candidate?.['image_id'] as string | undefined;
    // Exactly `IMAGE#<image_id>`, compared without building the string.
    if (
      imageId === undefined ||
      pk.length !== IMAGE_PREFIX.length + imageId.length ||
      !pk.startsWith(IMAGE_PREFIX)
    ) {
      return undefined;
    }
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

/** Key strings → `{"S": …}` attributes, for an item's `PK`, `SK` and index keys. @internal */
export const writeKeys = <Name extends string>(
  keys: Readonly<Record<Name, string>>,
): DynamoDBItem => {
  const item: Record<string, AttributeValue> = {};
  for (const name in keys) item[name] = { S: keys[name] };
  return item;
};
