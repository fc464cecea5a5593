import type { BoundingBox, Point } from '../validation/attributes.js';
import type { Field } from '../validation/field.js';
import {
  box,
  confidence,
  finiteNumber,
  flag,
  oneOf,
  point,
  text,
} from '../validation/fieldKinds.js';
import { EmbeddingStatus } from './enums.js';

/** Decimals Python writes for box values and corner points of lines and words. */
const GEOMETRY_DECIMALS = 20;
/** Decimals Python writes for angles. */
const ANGLE_DECIMALS = 18;
/** Decimals Python writes for OCR confidence. */
const CONFIDENCE_DECIMALS = 2;

const EMBEDDING_STATUS_VALUES: readonly EmbeddingStatus[] =
  /* @__PURE__ */ Object.values(EmbeddingStatus);

/**
 * The text, geometry and embedding fields that receipt lines and words share (Python's
 * `ReceiptTextGeometryEntity`), as Python writes them: box and corners with 20 decimals,
 * angles with 18, confidence with 2. @internal
 */
export const TEXT_GEOMETRY_FIELDS = {
  /** The recognised text. */
  text: text() as Field<string>,
  /** The text's axis-aligned box in the image. */
  bounding_box: box(GEOMETRY_DECIMALS) as Field<BoundingBox>,
  /** The text's top-right corner. */
  top_right: point(GEOMETRY_DECIMALS) as Field<Point>,
  /** The text's top-left corner. */
  top_left: point(GEOMETRY_DECIMALS) as Field<Point>,
  /** The text's bottom-right corner. */
  bottom_right: point(GEOMETRY_DECIMALS) as Field<Point>,
  /** The text's bottom-left corner. */
  bottom_left: point(GEOMETRY_DECIMALS) as Field<Point>,
  /** The text's rotation, in degrees. */
  angle_degrees: finiteNumber(ANGLE_DECIMALS) as Field<number>,
  /** The text's rotation, in radians. */
  angle_radians: finiteNumber(ANGLE_DECIMALS) as Field<number>,
  /** OCR confidence, `0 < confidence <= 1`. */
  confidence: confidence(CONFIDENCE_DECIMALS) as Field<number>,
  /** Where the embedding stands; a missing or NULL attribute reads as `NONE`. */
  embedding_status: oneOf(EMBEDDING_STATUS_VALUES, {
    missing: EmbeddingStatus.NONE,
  }) as Field<EmbeddingStatus>,
  /** True for text the OCR flagged as noise; a missing or NULL attribute reads as `false`. */
  is_noise: flag(false) as Field<boolean>,
};
