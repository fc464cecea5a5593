/**
 * Facts shared by the benchmarks that build receipt lines and words: the geometry every
 * generated line and word carries (the fields `ReceiptLineSchema` / `ReceiptWordSchema`
 * check besides ids and text).
 */

/** The text geometry of a generated line or word: a valid box, corners, angles and status. */
export const BENCH_GEOMETRY = Object.freeze({
  bounding_box: { x: 0.1, y: 0.25, width: 0.5, height: 0.05 },
  top_left: { x: 0.1, y: 0.3 },
  top_right: { x: 0.6, y: 0.3 },
  bottom_left: { x: 0.1, y: 0.25 },
  bottom_right: { x: 0.6, y: 0.25 },
  angle_degrees: 0,
  angle_radians: 0,
  confidence: 0.9,
  embedding_status: 'SUCCESS',
  is_noise: false,
});
