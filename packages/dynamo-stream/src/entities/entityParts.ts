import { z } from 'zod';
import type { AttributeValue, DynamoDBItem } from '../types.js';
import type { BoundingBox, Point } from './attributes.js';
import { formatPythonFloat, isIsoTimestamp, parsePythonInt } from './validators.js';

/**
 * Building blocks shared by the entity schemas: field validators with the Python entities'
 * messages, and the glue that lets an item schema reuse its entity schema.
 */

/** An integer id that must be `> 0`, with the messages of Python's `validate_positive_int`. */
export const positiveIntSchema = (name: string): z.ZodInt =>
  z.int({ error: `${name} must be an integer` }).min(1, { error: `${name} must be positive` });

/** An integer that must be `>= 0`, with the messages of Python's `validate_non_negative_int`. */
export const nonNegativeIntSchema = (name: string): z.ZodInt =>
  z.int({ error: `${name} must be an integer` }).min(0, { error: `${name} must be non-negative` });

/** A string Python's `datetime.fromisoformat` accepts, kept verbatim. */
export const isoTimestampSchema = (name: string): z.ZodType<string> =>
  z
    .string({ error: `${name} must be a string` })
    .refine(isIsoTimestamp, { error: `${name} must be a valid ISO format timestamp` });

/** A string or `null`; a non-string reports `<name> must be a string`. */
export const nullableStringSchema = (name: string): z.ZodType<string | null> =>
  z.string({ error: `${name} must be a string` }).nullable();

/** A finite number in `[0, 1]` or `null`; anything else reports `<name> must be in [0, 1]`. */
export const nullableUnitIntervalSchema = (name: string): z.ZodType<number | null> =>
  z
    .number({ error: `${name} must be in [0, 1]` })
    .min(0, { error: `${name} must be in [0, 1]` })
    .max(1, { error: `${name} must be in [0, 1]` })
    .nullable();

const coordinate = (key: 'x' | 'y' | 'width' | 'height', owner: string): z.ZodNumber =>
  z.number({
    error: (issue) =>
      issue.input === undefined
        ? `${owner} must contain the key '${key}'`
        : `${owner}['${key}'] must be a number`,
  });

/** A point with exactly the finite numbers `x` and `y`, as HEAD's `assert_valid_point` demands. */
export const PointSchema: z.ZodType<Point> = z.strictObject(
  { x: coordinate('x', 'point'), y: coordinate('y', 'point') },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? "point must contain exactly 'x' and 'y' keys"
        : 'point must be a dictionary',
  },
);

/** A bounding box with exactly the finite numbers `x`, `y`, `width` and `height`. */
export const BoundingBoxSchema: z.ZodType<BoundingBox> = z.strictObject(
  {
    x: coordinate('x', 'bounding_box'),
    y: coordinate('y', 'bounding_box'),
    width: coordinate('width', 'bounding_box'),
    height: coordinate('height', 'bounding_box'),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? "bounding_box must contain exactly 'x', 'y', 'width' and 'height' keys"
        : 'bounding_box must be a dictionary',
  },
);

/** A confidence `0 < c <= 1`, reporting `confidence must be between 0 and 1, got X`. */
export const OcrConfidenceSchema: z.ZodType<number> = z
  .number({ error: 'confidence must be a number' })
  .refine((value) => value > 0 && value <= 1, {
    error: (issue) =>
      `confidence must be between 0 and 1, got ${formatPythonFloat(issue.input as number)}`,
  });

/** The message Python's `normalize_enum` gives for a value outside an enum. */
export const enumMessage = (name: string, values: readonly string[], got: unknown): string =>
  `${name} must be one of: ${values.join(', ')}\nGot: ${String(got)}`;

/**
 * Validates a candidate decoded from an item with the entity's own schema, inside the item
 * schema's transform. Issues keep their paths (entity fields are named like attributes);
 * issues on fields that come from the keys are moved onto the key attribute, e.g.
 * `{ image_id: 'PK', receipt_id: 'SK' }`.
 * @internal
 */
export const validateDecodedEntity = <Entity>(
  schema: z.ZodType<Entity>,
  candidate: unknown,
  ctx: z.core.$RefinementCtx,
  keyAttributes: Readonly<Record<string, string>>,
): Entity => {
  const result = schema.safeParse(candidate);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const field = issue.path[0];
    const keyAttribute = typeof field === 'string' ? keyAttributes[field] : undefined;
    ctx.issues.push({
      ...issue,
      path: keyAttribute === undefined ? issue.path : [keyAttribute],
      input: undefined,
    } as z.core.$ZodRawIssue);
  }
  return z.NEVER;
};

/** Reports a malformed key on the `PK` or `SK` attribute of an item. @internal */
export const reportKeyIssue = (
  ctx: z.core.$RefinementCtx,
  attribute: 'PK' | 'SK',
  message: string,
  key: string,
): void => {
  ctx.issues.push({ code: 'custom', message, path: [attribute], input: key });
};

/**
 * Reads the integer id at `index` of a split sort key like Python's `int()` (leading zeros
 * are fine), reporting `<name> in SK must be an integer` when it is not one.
 * @internal
 */
export const readKeyId = (
  ctx: z.core.$RefinementCtx,
  parts: readonly string[],
  index: number,
  name: string,
  sk: string,
): number | undefined => {
  const text = parts[index] ?? '';
  const value = parsePythonInt(text);
  if (value === undefined) {
    reportKeyIssue(ctx, 'SK', `${name} in SK must be an integer, got ${JSON.stringify(text)}`, sk);
  }
  return value;
};

/** Key strings → `{"S": …}` attributes, for an item's `PK`, `SK` and index keys. @internal */
export const writeKeys = <Name extends string>(
  keys: Readonly<Record<Name, string>>,
): DynamoDBItem => {
  const item: Record<string, AttributeValue> = {};
  for (const name in keys) item[name] = { S: keys[name] };
  return item;
};
