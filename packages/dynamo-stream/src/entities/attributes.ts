import { unmarshall } from '@aws-sdk/util-dynamodb';
import { z } from 'zod';
import type { AttributeValue, DynamoDBItem } from '../types.js';
import { parsePythonInt } from './validators.js';

/** A zod schema from one raw attribute value (or its absence) to a native value. */
export type Codec<T> = z.ZodType<T, AttributeValue | undefined>;

/**
 * Zod codecs from raw DynamoDB attribute values (`{"S": …}`, `{"N": …}`, …) to native
 * values. Entity item schemas are objects of these codecs, so an issue's path names the
 * attribute that is wrong (`['width']`, `['top_left', 'x']`).
 *
 * A codec's input is one attribute value; a missing attribute reports
 * "missing required attribute".
 */

const describe = (input: unknown, expected: string): string =>
  input === undefined ? 'missing required attribute' : `expected ${expected}`;

/** `{"S": string}` → the string. */
export const S: Codec<string> = z
  .object({ S: z.string() }, { error: (issue) => describe(issue.input, '{"S": string}') })
  .transform((value) => value.S);

/** `{"NULL": true}` → `null`. */
const NULL_VALUE: Codec<null> = z.object({ NULL: z.literal(true) }).transform((): null => null);

/**
 * `{"S": string}`, `{"NULL": true}` or a missing attribute → the string or `null`.
 */
export const nullableS: Codec<string | null> = z
  .union([S, NULL_VALUE], {
    error: (issue) => describe(issue.input, '{"S": string} or {"NULL": true}'),
  })
  .optional()
  .transform((value) => value ?? null);

const numberText: z.ZodObject<{ N: z.ZodString }> = z.object(
  { N: z.string() },
  { error: (issue) => describe(issue.input, '{"N": string}') },
);

/** `{"N": "1.5"}` → a finite number. */
export const N: Codec<number> = numberText.transform((value, ctx) => {
  const parsed = value.N.trim() === '' ? Number.NaN : Number(value.N);
  if (!Number.isFinite(parsed)) {
    ctx.issues.push({
      code: 'custom',
      message: `must be a finite number, got ${JSON.stringify(value.N)}`,
      input: value,
    });
    return z.NEVER;
  }
  return parsed;
});

/** `{"N": "00042"}` → 42, parsed like Python's `int()` (so `"1.0"` is rejected). */
export const intN: Codec<number> = numberText.transform((value, ctx) => {
  const parsed = parsePythonInt(value.N);
  if (parsed === undefined) {
    ctx.issues.push({
      code: 'custom',
      message: `must be an integer, got ${JSON.stringify(value.N)}`,
      input: value,
    });
    return z.NEVER;
  }
  return parsed;
});

/** `{"N": …}`, `{"NULL": true}` or missing → a finite number or `null`. */
export const nullableN: Codec<number | null> = z
  .union([N, NULL_VALUE], {
    error: (issue) => describe(issue.input, '{"N": string} or {"NULL": true}'),
  })
  .optional()
  .transform((value) => value ?? null);

/** `{"BOOL": boolean}` → the boolean. */
export const BOOL: Codec<boolean> = z
  .object({ BOOL: z.boolean() }, { error: (issue) => describe(issue.input, '{"BOOL": boolean}') })
  .transform((value) => value.BOOL);

/** `{"BOOL": boolean}`, `{"NULL": true}` or missing → the boolean or `null`. */
export const nullableBOOL: Codec<boolean | null> = z
  .union([BOOL, NULL_VALUE], {
    error: (issue) => describe(issue.input, '{"BOOL": boolean} or {"NULL": true}'),
  })
  .optional()
  .transform((value) => value ?? null);

/** A 2-D point `{x, y}`. */
export interface Point {
  x: number;
  y: number;
}

/** `{"M": {"x": {"N"}, "y": {"N"}}}` with exactly the keys `x` and `y` → a {@link Point}. */
export const point: Codec<Point> = z
  .object(
    {
      M: z.strictObject(
        { x: N, y: N },
        { error: () => "point must contain exactly 'x' and 'y' keys" },
      ),
    },
    { error: (issue) => describe(issue.input, 'a point map {"M": {"x", "y"}}') },
  )
  .transform((value) => value.M) as unknown as Codec<Point>;

/** An axis-aligned box in normalised image coordinates. */
export interface BoundingBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** `{"M": {x, y, width, height}}` with exactly those keys → a {@link BoundingBox}. */
export const boundingBox: Codec<BoundingBox> = z
  .object(
    {
      M: z.strictObject(
        { x: N, y: N, width: N, height: N },
        { error: () => "bounding_box must contain exactly 'x', 'y', 'width' and 'height'" },
      ),
    },
    { error: (issue) => describe(issue.input, 'a bounding box map {"M": {…}}') },
  )
  .transform((value) => value.M) as unknown as Codec<BoundingBox>;

/**
 * `{"L": [{"S"}…]}` or `{"SS": […]}` → a list of strings (a string set is sorted, since
 * sets have no order). Missing or `NULL` → an empty list.
 */
export const stringList: Codec<string[]> = z
  .union(
    [
      z.object({ L: z.array(S) }).transform((value) => value.L),
      z.object({ SS: z.array(z.string()) }).transform((value) => [...value.SS].sort()),
      NULL_VALUE.transform((): string[] => []),
    ],
    { error: () => 'expected a list of strings ({"L": [{"S": …}]} or {"SS": […]})' },
  )
  .optional()
  .transform((value) => value ?? []) as unknown as Codec<string[]>;

/** `{"L": [{"N"}…]}` or `{"NS": […]}` → a list of integers. */
export const intList: Codec<number[]> = z.union(
  [
    z.object({ L: z.array(intN) }).transform((value) => value.L),
    z.object({ NS: z.array(z.string()) }).transform((value, ctx) =>
      value.NS.map((text) => {
        const parsed = parsePythonInt(text);
        if (parsed === undefined) {
          ctx.issues.push({ code: 'custom', message: `must be an integer: ${text}`, input: text });
        }
        return parsed ?? 0;
      }),
    ),
  ],
  { error: (issue) => describe(issue.input, 'a list of numbers ({"L": [{"N": …}]})') },
) as unknown as Codec<number[]>;

/** `{"M": {k: {"S": v}}}` → a string map; `{"NULL": true}` or missing → `null`. */
export const nullableStringMap: Codec<Record<string, string> | null> = z
  .union([z.object({ M: z.record(z.string(), S) }).transform((value) => value.M), NULL_VALUE], {
    error: () => 'must be a DynamoDB map (M) of strings or NULL',
  })
  .optional()
  .transform((value) => value ?? null) as unknown as Codec<Record<string, string> | null>;

/**
 * `{"M": …}` → a plain object (nested values unmarshalled, numbers as JS numbers). A
 * legacy JSON string (`{"S": "{…}"}`) is parsed too. Missing or `NULL` → `{}`.
 */
export const nativeMap: Codec<Record<string, unknown>> = z
  .union(
    [
      z
        .object({ M: z.record(z.string(), z.custom<AttributeValue>()) })
        .transform((value) => unmarshall(value.M as never) as Record<string, unknown>),
      z.object({ S: z.string() }).transform((value, ctx) => {
        try {
          const parsed: unknown = JSON.parse(value.S);
          if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
            return parsed as Record<string, unknown>;
          }
        } catch {
          // reported below
        }
        ctx.issues.push({ code: 'custom', message: 'must be a JSON object', input: value.S });
        return z.NEVER;
      }),
      NULL_VALUE.transform((): Record<string, unknown> => ({})),
    ],
    { error: () => 'must be a DynamoDB map (M), a JSON object string, or NULL' },
  )
  .optional()
  .transform((value) => value ?? {}) as unknown as Codec<Record<string, unknown>>;

/** The parts of a `#`-separated key. */
export const splitKey = (key: string): string[] => key.split('#');

/**
 * Builds an item schema: `shape` maps attribute names to codecs, and `build` turns the
 * decoded attributes into the entity, reporting problems through `ctx`.
 * Unknown attributes are ignored (GSI keys, `TYPE`, legacy attributes).
 * @internal
 */
export const itemSchema = <Shape extends z.core.$ZodLooseShape, Entity>(
  shape: Shape,
  build: (decoded: z.output<z.ZodObject<Shape>>, ctx: z.core.$RefinementCtx) => Entity,
): z.ZodType<Entity, DynamoDBItem> =>
  z
    .object(shape, { error: () => 'expected a DynamoDB item (an object of attribute values)' })
    .transform((decoded, ctx) => build(decoded, ctx)) as unknown as z.ZodType<Entity, DynamoDBItem>;
