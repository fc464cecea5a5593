import type { DynamoDBItem } from '../types.js';
import {
  type BoundingBox,
  boundingBox,
  type Codec,
  type ItemShape,
  N,
  nullableBOOL,
  nullableS,
  type Point,
  point,
  S,
} from './attributes.js';
import {
  acceptBoundingBox,
  acceptPoint,
  boundingBoxRule,
  enumMessage,
  isFiniteNumber,
  isOcrConfidence,
  ocrConfidence,
  pointRule,
} from './entityParts.js';
import { EmbeddingStatus } from './enums.js';
import { boolean, number, oneOf, string } from './rules.js';
import { writeBool, writeBoundingBox, writeDecimal, writePoint, writeS } from './writers.js';

/**
 * The text, geometry and embedding fields that receipt lines and words share (Python's
 * `ReceiptTextGeometryEntity`): their validation, their item decoders and their writer.
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

/** Rules of the shared fields, spread into the line and word entity rules. */
export type TextGeometryEntityShape = {
  [Field in keyof ReceiptTextGeometry]: Codec<ReceiptTextGeometry[Field]>;
};

const EMBEDDING_STATUS_VALUES: readonly EmbeddingStatus[] =
  /* @__PURE__ */ Object.values(EmbeddingStatus);

/** Validation of the shared fields, with the Python entities' messages. @internal */
export const textGeometryEntityShape = (): TextGeometryEntityShape => ({
  text: string('text must be a string'),
  bounding_box: boundingBoxRule(),
  top_right: pointRule(),
  top_left: pointRule(),
  bottom_right: pointRule(),
  bottom_left: pointRule(),
  angle_degrees: number('angle_degrees must be a finite number'),
  angle_radians: number('angle_radians must be a finite number'),
  confidence: ocrConfidence(),
  embedding_status: oneOf(EMBEDDING_STATUS_VALUES, (input) =>
    enumMessage('embedding_status', EMBEDDING_STATUS_VALUES, input),
  ),
  is_noise: boolean('is_noise must be a boolean'),
});

const EMBEDDING_STATUSES: ReadonlySet<unknown> = /* @__PURE__ */ new Set(EMBEDDING_STATUS_VALUES);

/**
 * Copies the shared fields of `candidate` onto `entity` when they satisfy
 * {@link textGeometryEntityShape} (as it would output them); false otherwise. @internal
 */
export const acceptTextGeometry = (
  candidate: Record<string, unknown>,
  entity: Record<string, unknown>,
): boolean => {
  const { text, angle_degrees, angle_radians, confidence, embedding_status, is_noise } = candidate;
  if (typeof text !== 'string' || !isFiniteNumber(angle_degrees)) return false;
  if (!isFiniteNumber(angle_radians) || !isOcrConfidence(confidence)) return false;
  if (!EMBEDDING_STATUSES.has(embedding_status) || typeof is_noise !== 'boolean') return false;
  const box = acceptBoundingBox(candidate['bounding_box']);
  const topRight = acceptPoint(candidate['top_right']);
  const topLeft = acceptPoint(candidate['top_left']);
  const bottomRight = acceptPoint(candidate['bottom_right']);
  const bottomLeft = acceptPoint(candidate['bottom_left']);
  if (box === undefined || topRight === undefined || topLeft === undefined) return false;
  if (bottomRight === undefined || bottomLeft === undefined) return false;
  entity['text'] = text;
  entity['bounding_box'] = box;
  entity['top_right'] = topRight;
  entity['top_left'] = topLeft;
  entity['bottom_right'] = bottomRight;
  entity['bottom_left'] = bottomLeft;
  entity['angle_degrees'] = angle_degrees;
  entity['angle_radians'] = angle_radians;
  entity['confidence'] = confidence;
  entity['embedding_status'] = embedding_status;
  entity['is_noise'] = is_noise;
  return true;
};

/**
 * Item decoders of the shared fields: the entity's types, except `embedding_status`, which
 * the decoder reads as any string (the entity rules check it).
 */
export type TextGeometryItemShape = Omit<TextGeometryEntityShape, 'embedding_status'> & {
  embedding_status: Codec<string>;
};

/** `embedding_status` missing or NULL reads as `NONE` (HEAD; the entity rules check it). */
const embeddingStatus: Codec<string> = (value, issues) => {
  const status = nullableS(value, issues);
  return status === null ? EmbeddingStatus.NONE : status;
};

/** `is_noise` missing or NULL reads as `false`. */
const isNoise: Codec<boolean> = (value, issues) => {
  const flag = nullableBOOL(value, issues);
  return flag === null ? false : flag;
};

/**
 * Decoders of the shared attributes. `embedding_status` missing or NULL reads as `NONE`
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
  embedding_status: embeddingStatus,
  is_noise: isNoise,
};

/**
 * An item shape: `keys`, then the decoders of the shared attributes, then `after` (the
 * order in which attributes are decoded and their issues reported). @internal
 */
export const withTextGeometry = <Keys extends ItemShape, After extends ItemShape>(
  keys: Keys,
  after: After,
): Keys & TextGeometryItemShape & After => ({
  ...keys,
  ...TEXT_GEOMETRY_ITEM_SHAPE,
  ...after,
});

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
