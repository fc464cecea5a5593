/**
 * A numeric option, checked: an integer of at least `min` (a safe integer, so never NaN or
 * ±Infinity).
 * @returns `value`
 * @throws {RangeError} naming the option: `… must be a positive integer, got …` when `min`
 *   is 1, `… must be an integer >= {min}, got …` otherwise
 * @internal
 */
export const checkedInteger = (name: string, value: number, min: number): number => {
  if (!Number.isSafeInteger(value) || value < min) {
    const expected = min === 1 ? 'a positive integer' : `an integer >= ${min}`;
    throw new RangeError(`${name} must be ${expected}, got ${String(value)}`);
  }
  return value;
};
