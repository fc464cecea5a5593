import * as z from 'zod/mini';
import type { BoundingBox, Point } from '../../../src/entities/attributes.js';
import { EmbeddingStatus } from '../../../src/entities/enums.js';
import { boundingBoxSchema, ocrConfidenceSchema, pointSchema } from './fields.js';

/**
 * The zod schemas of the fields receipt lines and words share, as `textGeometryEntityShape`
 * was first written (the reference for the property tests).
 */

/** zod schemas of the shared fields, spread into the line and word references. */
export interface TextGeometryReferenceShape {
  text: z.ZodMiniType<string>;
  bounding_box: z.ZodMiniType<BoundingBox>;
  top_right: z.ZodMiniType<Point>;
  top_left: z.ZodMiniType<Point>;
  bottom_right: z.ZodMiniType<Point>;
  bottom_left: z.ZodMiniType<Point>;
  angle_degrees: z.ZodMiniType<number>;
  angle_radians: z.ZodMiniType<number>;
  confidence: z.ZodMiniType<number>;
  embedding_status: z.ZodMiniType<EmbeddingStatus>;
  is_noise: z.ZodMiniType<boolean>;
}

const EMBEDDING_STATUS_VALUES: readonly string[] = Object.values(EmbeddingStatus);

/** Python's `normalize_enum` message (copied from `enumMessage` in entityParts). */
const enumMessage = (name: string, values: readonly string[], got: unknown): string =>
  `${name} must be one of: ${values.join(', ')}\nGot: ${String(got)}`;

export const textGeometryReferenceShape = (): TextGeometryReferenceShape => ({
  text: z.string({ error: 'text must be a string' }),
  bounding_box: boundingBoxSchema(),
  top_right: pointSchema(),
  top_left: pointSchema(),
  bottom_right: pointSchema(),
  bottom_left: pointSchema(),
  angle_degrees: z.number({ error: 'angle_degrees must be a finite number' }),
  angle_radians: z.number({ error: 'angle_radians must be a finite number' }),
  confidence: ocrConfidenceSchema(),
  embedding_status: z.enum(EmbeddingStatus, {
    error: (issue) => enumMessage('embedding_status', EMBEDDING_STATUS_VALUES, issue.input),
  }),
  is_noise: z.boolean({ error: 'is_noise must be a boolean' }),
});
