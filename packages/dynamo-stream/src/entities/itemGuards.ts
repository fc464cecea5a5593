import { z } from 'zod';
import type { AttributeValue, DynamoDBItem } from '../types.js';
import type { Codec } from './attributes.js';
import { formatPythonFloat, parsePythonInt } from './validators.js';

/**
 * Helpers shared by the place, metadata, summary and compaction entity schemas: the
 * required-attribute and unknown-attribute guard that runs before the attribute codecs,
 * issue forwarding from an entity schema into an item schema, and lenient codecs for the
 * attributes the Python readers take only when they have the expected type.
 */

/** What {@link itemGuard} checks before any attribute is decoded. */
export interface ItemGuardOptions {
  /** Attributes that must be present; each missing one is an issue at its own path. */
  readonly required: readonly string[];
  /** The Python reader's message prefix, e.g. `Item is missing required keys`. */
  readonly missingMessage: string;
  /**
   * When given, every other attribute is an issue (`unexpected attribute 'rating'`).
   * @default any attribute is accepted
   */
  readonly allowed?: ReadonlySet<string> | undefined;
}

const isItem = (value: unknown): value is DynamoDBItem =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A schema that accepts a raw item only when its required attributes are present (and,
 * with `allowed`, no unknown attribute is), reporting one issue per offending attribute
 * with Python's message: `Item is missing required keys: {'TYPE'}`. Pipe it into an
 * `itemSchema(…)` so the codecs never see an incomplete item.
 * @internal
 */
export const itemGuard = (options: ItemGuardOptions): z.ZodType<DynamoDBItem, DynamoDBItem> =>
  z
    .custom<DynamoDBItem>(isItem, {
      error: 'expected a DynamoDB item (an object of attribute values)',
    })
    .superRefine((item, ctx) => {
      for (const key of options.required) {
        if (item[key] === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: `${options.missingMessage}: {'${key}'}`,
          });
        }
      }
      if (options.allowed === undefined) return;
      for (const key of Object.keys(item)) {
        if (!options.allowed.has(key)) {
          ctx.addIssue({ code: 'custom', path: [key], message: `unexpected attribute '${key}'` });
        }
      }
    }) as unknown as z.ZodType<DynamoDBItem, DynamoDBItem>;

/** Adds a custom issue at `path` (an attribute name or a path below it). */
export const addIssue = (
  ctx: z.core.$RefinementCtx,
  path: readonly PropertyKey[],
  message: string,
): void => {
  ctx.issues.push({ code: 'custom', path: [...path], message, input: undefined });
};

/**
 * Validates `candidate` with an entity schema and forwards any issues into `ctx`, so an
 * item schema reports the entity's messages at attribute paths without repeating its
 * rules. `keyFields` maps fields read from a key to that key (`{ image_id: 'PK' }`), so
 * their issues point at the attribute that holds them. Returns the parsed entity, or
 * `undefined` when it is invalid.
 * @internal
 */
export const validateInto = <Entity>(
  schema: z.ZodType<Entity>,
  candidate: unknown,
  ctx: z.core.$RefinementCtx,
  keyFields: Readonly<Record<string, string>> = {},
): Entity | undefined => {
  const result = schema.safeParse(candidate);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const [head, ...rest] = issue.path;
    const attribute = typeof head === 'string' ? (keyFields[head] ?? head) : head;
    const path = attribute === undefined ? [] : [attribute, ...rest];
    ctx.issues.push({ ...issue, path, input: undefined } as never);
  }
  return undefined;
};

/** Prints a value the way a Python f-string would in an error message. */
export const pythonRepr = (value: unknown): string => {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'number') return formatPythonFloat(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return String(value);
};

/**
 * A positive integer with the messages of Python's `validate_positive_int`.
 * @internal
 */
export const positiveInt = (name: string): z.ZodType<number> =>
  z.int({ error: `${name} must be an integer` }).min(1, { error: `${name} must be positive` });

/**
 * A non-negative integer with the messages of Python's `validate_non_negative_int`.
 * @internal
 */
export const nonNegativeInt = (name: string): z.ZodType<number> =>
  z.int({ error: `${name} must be an integer` }).min(0, { error: `${name} must be non-negative` });

const anyAttribute = z
  .custom<AttributeValue>(isItem, { error: 'expected a DynamoDB attribute value' })
  .optional();

/**
 * A codec from any attribute value (or its absence) through `decode`, for readers that
 * dispatch on the attribute's type themselves. `decode` reports problems through `ctx`.
 * @internal
 */
export const rawAttribute = <T>(
  decode: (value: AttributeValue | undefined, ctx: z.core.$RefinementCtx) => T,
): Codec<T> => anyAttribute.transform(decode) as unknown as Codec<T>;

/**
 * The string of an `{"S": …}` attribute; any other type, `NULL` or absence → `null`.
 * Mirrors the Python readers that only look at `item[name].get("S")`.
 */
export const looseS: Codec<string | null> = rawAttribute((value) =>
  value !== undefined && typeof value.S === 'string' ? value.S : null,
);

/**
 * `{"S": …}` → the string, `{"NULL": true}` → `null`, absence → `undefined`; any other
 * type is an issue. Lets a reader tell "missing" from "NULL" (e.g. `places_api_version`).
 */
export const optionalS: Codec<string | null | undefined> = rawAttribute((value, ctx) => {
  if (value === undefined) return undefined;
  if (typeof value.S === 'string') return value.S;
  if (value.NULL === true) return null;
  ctx.issues.push({
    code: 'custom',
    message: 'expected {"S": string} or {"NULL": true}',
    input: value,
  });
  return z.NEVER;
});

/**
 * The integer of an `{"N": …}` attribute, or `null` when the attribute is absent, `NULL`,
 * of another type, or not an integer (Python's `_get_n` falls back to its default).
 */
export const looseInt: Codec<number | null> = rawAttribute((value) =>
  value !== undefined && typeof value.N === 'string' ? (parsePythonInt(value.N) ?? null) : null,
);

/**
 * A reader for `{"N": …}` attributes that reports `<name> must contain a valid number`
 * when the text is not a finite number; absence, `NULL` or another type → `null`.
 */
export const looseNumber = (name: string): Codec<number | null> =>
  rawAttribute((value, ctx) => {
    if (value === undefined || typeof value.N !== 'string') return null;
    const parsed = value.N.trim() === '' ? Number.NaN : Number(value.N);
    if (Number.isFinite(parsed)) return parsed;
    ctx.issues.push({
      code: 'custom',
      message: `${name} must contain a valid number`,
      input: value.N,
    });
    return z.NEVER;
  });
