/** Where two byte sequences first differ: the offset, the byte each has there, their lengths. */
export interface ByteDifference {
  readonly offset: number;
  /** The byte of the actual sequence at `offset`; `undefined` past its end. */
  readonly actual: number | undefined;
  /** The byte of the expected sequence at `offset`; `undefined` past its end. */
  readonly expected: number | undefined;
  readonly actualLength: number;
  readonly expectedLength: number;
}

/**
 * Where `actual` first differs from `expected`, or `undefined` when they hold the same bytes.
 * `expect(firstDifference(actual, expected)).toBeUndefined()` fails naming the offset and
 * the two bytes, where `expect(actual.equals(expected)).toBe(true)` says only `false` and
 * `toEqual` on buffers of a few hundred kilobytes takes seconds.
 */
export const firstDifference = (
  actual: Uint8Array,
  expected: Uint8Array,
): ByteDifference | undefined => {
  if (Buffer.compare(actual, expected) === 0) return undefined;
  const shorter = Math.min(actual.length, expected.length);
  let offset = 0;
  while (offset < shorter && actual[offset] === expected[offset]) offset += 1;
  return {
    offset,
    actual: actual[offset],
    expected: expected[offset],
    actualLength: actual.length,
    expectedLength: expected.length,
  };
};
