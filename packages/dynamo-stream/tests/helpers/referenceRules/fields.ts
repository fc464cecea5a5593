import * as z from 'zod/mini';
import type { BoundingBox, Point } from '../../../src/entities/attributes.js';
import { formatPythonFloat, isIsoTimestamp, UuidSchema } from '../../../src/entities/validators.js';

/**
 * The zod field schemas the entity rules were first written with. The package now
 * validates with plain-code rules (`src/entities/rules.ts`); these schemas stay in the
 * tests as the reference the property tests compare the plain rules against.
 */

export { UuidSchema };

export const positiveIntSchema = (name: string): z.ZodMiniType<number> =>
  z
    .int({ error: `${name} must be an integer` })
    .check(z.gte(1, { error: `${name} must be positive` }));

export const nonNegativeIntSchema = (name: string): z.ZodMiniType<number> =>
  z
    .int({ error: `${name} must be an integer` })
    .check(z.gte(0, { error: `${name} must be non-negative` }));

export const isoTimestampSchema = (name: string): z.ZodMiniType<string> =>
  z
    .string({ error: `${name} must be a string` })
    .check(z.refine(isIsoTimestamp, { error: `${name} must be a valid ISO format timestamp` }));

export const nullableStringSchema = (name: string): z.ZodMiniType<string | null> =>
  z.nullable(z.string({ error: `${name} must be a string` }));

export const nullableUnitIntervalSchema = (name: string): z.ZodMiniType<number | null> =>
  z.nullable(
    z
      .number({ error: `${name} must be in [0, 1]` })
      .check(
        z.gte(0, { error: `${name} must be in [0, 1]` }),
        z.lte(1, { error: `${name} must be in [0, 1]` }),
      ),
  );

const coordinate = (key: 'x' | 'y' | 'width' | 'height', owner: string): z.ZodMiniNumber =>
  z.number({
    error: (issue) =>
      issue.input === undefined
        ? `${owner} must contain the key '${key}'`
        : `${owner}['${key}'] must be a number`,
  });

export const pointSchema = (): z.ZodMiniType<Point> =>
  z.strictObject(
    { x: coordinate('x', 'point'), y: coordinate('y', 'point') },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? "point must contain exactly 'x' and 'y' keys"
          : 'point must be a dictionary',
    },
  );

export const boundingBoxSchema = (): z.ZodMiniType<BoundingBox> =>
  z.strictObject(
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

export const ocrConfidenceSchema = (): z.ZodMiniType<number> =>
  z.number({ error: 'confidence must be a number' }).check(
    z.refine((value: number) => value > 0 && value <= 1, {
      error: (issue) =>
        `confidence must be between 0 and 1, got ${formatPythonFloat(issue.input as number)}`,
    }),
  );
