/**
 * A numeric option: `fallback` when not given, else an integer of at least `min`.
 * @throws RangeError naming the option otherwise
 * @internal
 */
export const integerOption = (
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
): number => {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer >= ${min}, got ${String(value)}`);
  }
  return value;
};
