/**
 * zod's English `invalid_type` message, produced without zod's locale so that reporting a
 * wrong type keeps zod off the stream handler's path.
 */

/**
 * The type name zod's English messages give a value: `null`, `array`, `nan`, a class
 * name for class instances, else `typeof`.
 */
const parsedType = (input: unknown): string => {
  if (typeof input === 'number') return Number.isNaN(input) ? 'nan' : 'number';
  if (typeof input !== 'object') return typeof input;
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'array';
  const prototype = Object.getPrototypeOf(input);
  const maker = (input as { constructor?: { name?: unknown } }).constructor;
  if (prototype !== Object.prototype && typeof maker?.name === 'string' && maker.name) {
    return maker.name;
  }
  return 'object';
};

/** How zod's English locale names a received type (`NaN`, `Infinity`, …). */
const receivedName = (input: unknown): string => {
  const type = parsedType(input);
  if (type === 'number' && !Number.isFinite(input)) return String(input);
  return type === 'nan' ? 'NaN' : type;
};

/**
 * zod's English `invalid_type` message: `Invalid input: expected string, received number`.
 */
export const invalidTypeMessage = (expected: string, input: unknown): string =>
  `Invalid input: expected ${expected === 'nan' ? 'NaN' : expected}, received ${receivedName(input)}`;

/** {@link invalidTypeMessage} as a message function for `expected`. */
export const invalidTypeMessageFor =
  (expected: string): ((input: unknown) => string) =>
  (input) =>
    invalidTypeMessage(expected, input);
