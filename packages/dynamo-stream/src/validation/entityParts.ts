import * as z from 'zod/mini';
import type { AttributeValue, DynamoDBItem } from '../types.js';
import {
  type BoundingBox,
  type Codec,
  INVALID,
  type Invalid,
  type IssueSink,
  type Point,
} from './attributes.js';
import { check, int, nullable, number, object, string } from './rules.js';
import { formatPythonFloat, isIsoTimestamp, isValidUuid } from './validators.js';

/**
 * Building blocks shared by the entity schemas: field validators with the Python entities'
 * messages, an entity's rules with their fast path for valid entities, and the glue that lets
 * an item schema reuse its entity's rules.
 */

/**
 * An entity's validation. `rules` builds (on first use) the plain-code rules, which
 * decide every case and report the Python messages. `accept` is the fast path for valid
 * entities: the same field rules run straight through, without reporting, returning the
 * entity or `undefined` at the first doubt, so the full rules only run to report.
 */
export interface EntityRules<Entity> {
  /** The fast path: the entity when every field accepts its value, else `undefined`. */
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

/** The rules `build` gives, built on their first use. @internal */
export const lazyRules = <Entity>(build: () => EntityRules<Entity>): EntityRules<Entity> => {
  let rules: EntityRules<Entity> | undefined;
  const built = (): EntityRules<Entity> => (rules ??= build());
  return {
    accept: (candidate) => built().accept(candidate),
    check: (candidate, issues) => built().check(candidate, issues),
    full: () => built().full(),
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
    const issues: IssueSink = [];
    const entity = rules.check(candidate, issues);
    for (const issue of issues) ctx.issues.push(issue as z.core.$ZodRawIssue);
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

/** A point with exactly the finite numbers `x` and `y`, as Python's `assert_valid_point` demands. */
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

/** The message Python's `normalize_enum` gives for a value outside an enum. */
export const enumMessage = (name: string, values: readonly string[], got: unknown): string =>
  `${name} must be one of: ${values.join(', ')}\nGot: ${String(got)}`;

/** What `isoTimestamp` accepts. @internal */
export const isTimestamp = (value: unknown): value is string =>
  typeof value === 'string' && isIsoTimestamp(value);

/** Key strings → `{"S": …}` attributes, for an item's `PK`, `SK` and index keys. @internal */
export const writeKeys = <Name extends string>(
  keys: Readonly<Record<Name, string>>,
): DynamoDBItem => {
  const item: Record<string, AttributeValue> = {};
  for (const name in keys) item[name] = { S: keys[name] };
  return item;
};
