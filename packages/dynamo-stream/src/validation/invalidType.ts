/**
 * The message of an `invalid_type` issue: what was expected and what was found, named the way
 * a JSON value is described (`null`, `array`, `NaN`, else `typeof`).
 */

/** The name of the type of `input`: `null`, `array`, `NaN`, `Infinity`, else `typeof`. */
const typeName = (input: unknown): string => {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'array';
  if (typeof input === 'number' && !Number.isFinite(input)) return String(input);
  return typeof input;
};

/** `expected string, got number`. */
export const invalidTypeMessage = (expected: string, input: unknown): string =>
  `expected ${expected}, got ${typeName(input)}`;

/** {@link invalidTypeMessage} as a message function for `expected`. */
export const invalidTypeMessageFor =
  (expected: string): ((input: unknown) => string) =>
  (input) =>
    invalidTypeMessage(expected, input);
