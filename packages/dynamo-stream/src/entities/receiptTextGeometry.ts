import { z } from 'zod';
import type { DynamoDBItem } from '../types.js';
import {
  type BoundingBox,
  boundingBox,
  type Codec,
  N,
  nullableBOOL,
  nullableS,
  type Point,
  point,
  S,
} from './attributes.js';
import { BoundingBoxSchema, enumMessage, OcrConfidenceSchema, PointSchema } from './entityParts.js';
import { EmbeddingStatus } from './enums.js';
import { writeBool, writeBoundingBox, writeDecimal, writePoint, writeS } from './writers.js';

/**
 * The text, geometry and embedding fields that receipt lines and words share (Python's
 * `ReceiptTextGeometryEntity`): their validation, their item codecs and their writer.
 */

/** The fields a receipt line and a receipt word have in common. */
export interface ReceiptTextGeometry {
  text: string;
  bounding_box: BoundingBox;
  top_right: Point;
  top_left: Point;
  bottom_right: Point;
  bottom_left: Point;
  angle_degrees: number;
  angle_radians: number;
  /** OCR confidence, `0 < confidence <= 1`. */
  confidence: number;
  embedding_status: EmbeddingStatus;
  is_noise: boolean;
}

/** Schemas of the shared fields, spread into the line and word entity schemas. */
export interface TextGeometryEntityShape {
  text: z.ZodType<string>;
  bounding_box: z.ZodType<BoundingBox>;
  top_right: z.ZodType<Point>;
  top_left: z.ZodType<Point>;
  bottom_right: z.ZodType<Point>;
  bottom_left: z.ZodType<Point>;
  angle_degrees: z.ZodType<number>;
  angle_radians: z.ZodType<number>;
  confidence: z.ZodType<number>;
  embedding_status: z.ZodType<EmbeddingStatus>;
  is_noise: z.ZodType<boolean>;
}

const EMBEDDING_STATUS_VALUES: readonly string[] = Object.values(EmbeddingStatus);

/** Validation of the shared fields, with the Python entities' messages. @internal */
export const TEXT_GEOMETRY_ENTITY_SHAPE: TextGeometryEntityShape = {
  text: z.string({ error: 'text must be a string' }),
  bounding_box: BoundingBoxSchema,
  top_right: PointSchema,
  top_left: PointSchema,
  bottom_right: PointSchema,
  bottom_left: PointSchema,
  angle_degrees: z.number({ error: 'angle_degrees must be a finite number' }),
  angle_radians: z.number({ error: 'angle_radians must be a finite number' }),
  confidence: OcrConfidenceSchema,
  embedding_status: z.enum(EmbeddingStatus, {
    error: (issue) => enumMessage('embedding_status', EMBEDDING_STATUS_VALUES, issue.input),
  }),
  is_noise: z.boolean({ error: 'is_noise must be a boolean' }),
};

/** Item codecs of the shared fields. */
export interface TextGeometryItemShape {
  text: Codec<string>;
  bounding_box: Codec<BoundingBox>;
  top_right: Codec<Point>;
  top_left: Codec<Point>;
  bottom_right: Codec<Point>;
  bottom_left: Codec<Point>;
  angle_degrees: Codec<number>;
  angle_radians: Codec<number>;
  confidence: Codec<number>;
  embedding_status: Codec<string>;
  is_noise: Codec<boolean>;
}

/**
 * Codecs of the shared attributes. `embedding_status` missing or NULL reads as `NONE`
 * (HEAD; the value is then checked by the entity schema) and `is_noise` missing or NULL
 * reads as `false`. @internal
 */
export const TEXT_GEOMETRY_ITEM_SHAPE: TextGeometryItemShape = {
  text: S,
  bounding_box: boundingBox,
  top_right: point,
  top_left: point,
  bottom_right: point,
  bottom_left: point,
  angle_degrees: N,
  angle_radians: N,
  confidence: N,
  embedding_status: nullableS.transform((value) => value ?? EmbeddingStatus.NONE),
  is_noise: nullableBOOL.transform((value) => value ?? false),
};

/** Decimals Python writes for box values and corner points of lines and words. */
const GEOMETRY_DECIMALS = 20;
/** Decimals Python writes for angles. */
const ANGLE_DECIMALS = 18;
/** Decimals Python writes for OCR confidence. */
const CONFIDENCE_DECIMALS = 2;

/**
 * Writes the shared attributes exactly as Python's line and word `to_item()` do: box and
 * corners with 20 decimals, angles with 18, confidence with 2. @internal
 */
export const writeTextGeometry = (entity: ReceiptTextGeometry): DynamoDBItem => ({
  text: writeS(entity.text),
  bounding_box: writeBoundingBox(entity.bounding_box, GEOMETRY_DECIMALS),
  top_right: writePoint(entity.top_right, GEOMETRY_DECIMALS),
  top_left: writePoint(entity.top_left, GEOMETRY_DECIMALS),
  bottom_right: writePoint(entity.bottom_right, GEOMETRY_DECIMALS),
  bottom_left: writePoint(entity.bottom_left, GEOMETRY_DECIMALS),
  angle_degrees: writeDecimal(entity.angle_degrees, ANGLE_DECIMALS),
  angle_radians: writeDecimal(entity.angle_radians, ANGLE_DECIMALS),
  confidence: writeDecimal(entity.confidence, CONFIDENCE_DECIMALS),
  embedding_status: writeS(entity.embedding_status),
  is_noise: writeBool(entity.is_noise),
});
