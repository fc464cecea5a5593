import type { JsonValue } from '../messages/types.js';

/**
 * Converts an entity field to a JSON value so every message serialises: dates become ISO
 * strings, sets sorted arrays, maps objects, bigints strings, `undefined` and non-finite
 * numbers `null`. JSON values pass through untouched.
 */
export const toJsonValue = (value: unknown): JsonValue => {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return value.toString();
    case 'object':
      break;
    default:
      return null;
  }
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Set) return [...value].map(toJsonValue).sort();
  if (value instanceof Map) {
    return Object.fromEntries([...value].map(([key, item]) => [String(key), toJsonValue(item)]));
  }
  const result: { [key: string]: JsonValue } = {};
  for (const [key, item] of Object.entries(value)) result[key] = toJsonValue(item);
  return result;
};

/**
 * Deep equality of JSON values: arrays element by element in order, objects key by key,
 * numbers numerically. `""` and `null` differ, as in Python.
 */
export const jsonEqual = (left: JsonValue, right: JsonValue): boolean => {
  if (left === right) return true;
  if (left === null || right === null || typeof left !== 'object' || typeof right !== 'object') {
    return false;
  }
  if (Array.isArray(left)) {
    if (!Array.isArray(right) || left.length !== right.length) return false;
    for (let index = 0; index < left.length; index += 1) {
      if (!jsonEqual(left[index] ?? null, right[index] ?? null)) return false;
    }
    return true;
  }
  if (Array.isArray(right)) return false;
  // Key by key without listing the keys: this runs for every relevant attribute of every
  // MODIFY, so it allocates nothing.
  let keys = 0;
  for (const key in left) {
    if (!Object.hasOwn(left, key)) continue;
    keys += 1;
    if (!Object.hasOwn(right, key) || !jsonEqual(left[key] ?? null, right[key] ?? null)) {
      return false;
    }
  }
  for (const key in right) if (Object.hasOwn(right, key)) keys -= 1;
  return keys === 0;
};
