/**
 * Chroma's `where` filter, evaluated in memory the way a Chroma 1.x server evaluates it
 * (checked against `chroma run` 1.x through chromadb 3.5.0). The rules that are easy to get
 * wrong:
 *
 * - A missing key, or a key holding a value of another type, never matches `$eq`, `$in`,
 *   `$gt`…`$lte` or `$contains`, and always matches `$ne`, `$nin` and `$not_contains`.
 * - `$eq`/`$ne`/`$in`/`$nin` and the comparisons look at scalar values only: a list value
 *   never equals a scalar. `$contains`/`$not_contains` look at list values only: a scalar
 *   `"x"` does not "contain" `"x"`.
 * - Integers and floats are different types (`$in: [2, 2.5]` is refused; an integer list never
 *   contains a float). An integer operand compares numerically with float values; a float
 *   operand is truncated towards zero before it is compared with an integer value, so
 *   `{ v: { $eq: 1.5 } }` matches `v: 1` (a quirk of Chroma's metadata index, kept here so
 *   the double does not pass tests the server fails).
 * - `$and`/`$or` need at least two clauses (the JS client refuses fewer); a filter object
 *   has exactly one key; an operator object has exactly one operator.
 * @internal
 * @packageDocumentation
 */

import type { Metadata, MetadataValue, Where } from '../ports/vectorCollection.js';
import { listKind, type MetadataKind, scalarKind } from '../vectors/vectorRequestChecks.js';

const COMPARISONS = new Set(['$gt', '$gte', '$lt', '$lte']);
const OPERATORS = new Set([
  '$eq',
  '$ne',
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$in',
  '$nin',
  '$contains',
  '$not_contains',
]);

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const describe = (value: unknown): string => {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
};

const conditionProblem = (field: string, condition: unknown): string | undefined => {
  if (!isPlainObject(condition)) {
    return scalarKind(condition) === undefined
      ? `the condition on "${field}" must be a string, a finite number, a boolean or an operator object, got ${describe(condition)}`
      : undefined;
  }
  const entries = Object.entries(condition);
  const [first] = entries;
  if (first === undefined || entries.length !== 1) {
    return `the condition on "${field}" must have exactly one operator, got ${describe(condition)}`;
  }
  const [operator, operand] = first;
  if (!OPERATORS.has(operator)) return `unknown operator ${operator} on "${field}"`;
  if (COMPARISONS.has(operator)) {
    return typeof operand === 'number' && Number.isFinite(operand)
      ? undefined
      : `${operator} on "${field}" needs a finite number, got ${describe(operand)}`;
  }
  if (operator === '$in' || operator === '$nin') {
    if (!Array.isArray(operand) || operand.length === 0) {
      return `${operator} on "${field}" needs a non-empty list, got ${describe(operand)}`;
    }
    const kinds = new Set(operand.map(scalarKind));
    const [kind] = kinds;
    return kinds.size === 1 && kind !== undefined
      ? undefined
      : `${operator} on "${field}" needs a list of one value type (integers and floats do not mix), got ${describe(operand)}`;
  }
  return scalarKind(operand) === undefined
    ? `${operator} on "${field}" needs a string, a finite number or a boolean, got ${describe(operand)}`
    : undefined;
};

/**
 * Why Chroma would refuse this filter, or `undefined` when it is valid.
 * @internal
 */
export const whereProblem = (where: unknown): string | undefined => {
  if (!isPlainObject(where)) return `a where filter must be an object, got ${describe(where)}`;
  const entries = Object.entries(where);
  const [first] = entries;
  if (first === undefined || entries.length !== 1) {
    return `a where filter must have exactly one key (combine conditions with $and), got ${describe(where)}`;
  }
  const [key, value] = first;
  if (key === '$and' || key === '$or') {
    if (!Array.isArray(value) || value.length < 2) {
      return `${key} needs a list of at least two filters, got ${describe(value)}`;
    }
    for (const clause of value) {
      const problem = whereProblem(clause);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
  if (key.startsWith('$')) return `unknown top-level operator ${key}`;
  if (key.startsWith('chroma:')) return `"${key}" is a reserved key (the "chroma:" prefix)`;
  return conditionProblem(key, value);
};

/** A scalar stored value, with its Chroma kind; `undefined` for a missing key or a list. */
const storedScalar = (
  value: MetadataValue | undefined,
): { value: string | number | boolean; kind: MetadataKind } | undefined => {
  if (value === undefined || Array.isArray(value)) return undefined;
  const kind = scalarKind(value);
  return kind === undefined ? undefined : { value: value as string | number | boolean, kind };
};

/**
 * The right-hand side to compare a numeric stored value with: a float operand is truncated
 * when the stored value is an integer (Chroma's behaviour, see the module comment).
 */
const numericOperand = (storedKind: MetadataKind, operand: number): number =>
  storedKind === 'int' && scalarKind(operand) === 'float' ? Math.trunc(operand) : operand;

const equals = (stored: MetadataValue | undefined, operand: unknown): boolean => {
  const scalar = storedScalar(stored);
  if (scalar === undefined) return false;
  if (typeof operand === 'number') {
    if (typeof scalar.value !== 'number') return false;
    return scalar.value === numericOperand(scalar.kind, operand);
  }
  return scalar.value === operand;
};

const compare = (stored: MetadataValue | undefined, operator: string, operand: number): boolean => {
  const scalar = storedScalar(stored);
  if (scalar === undefined || typeof scalar.value !== 'number') return false;
  const right = numericOperand(scalar.kind, operand);
  switch (operator) {
    case '$gt':
      return scalar.value > right;
    case '$gte':
      return scalar.value >= right;
    case '$lt':
      return scalar.value < right;
    default:
      return scalar.value <= right;
  }
};

const contains = (stored: MetadataValue | undefined, operand: unknown): boolean => {
  if (!Array.isArray(stored)) return false;
  const kind = listKind(stored);
  if (typeof kind === 'object' || kind !== `${scalarKind(operand)}[]`) return false;
  return (stored as readonly unknown[]).includes(operand);
};

const matchesCondition = (stored: MetadataValue | undefined, condition: unknown): boolean => {
  if (!isPlainObject(condition)) return equals(stored, condition);
  const [entry] = Object.entries(condition);
  if (entry === undefined) return false;
  const [operator, operand] = entry;
  switch (operator) {
    case '$eq':
      return equals(stored, operand);
    case '$ne':
      return !equals(stored, operand);
    case '$in':
      return (operand as readonly unknown[]).some((item) => equals(stored, item));
    case '$nin':
      return !(operand as readonly unknown[]).some((item) => equals(stored, item));
    case '$contains':
      return contains(stored, operand);
    case '$not_contains':
      return !contains(stored, operand);
    default:
      return compare(stored, operator, operand as number);
  }
};

/**
 * Whether a record's metadata matches a (valid, see {@link whereProblem}) filter. A record
 * without metadata behaves as one with no keys.
 * @internal
 */
export const matchesWhere = (where: Where, metadata: Metadata | null): boolean => {
  const [entry] = Object.entries(where);
  if (entry === undefined) return false;
  const [key, value] = entry;
  if (key === '$and') return (value as readonly Where[]).every((w) => matchesWhere(w, metadata));
  if (key === '$or') return (value as readonly Where[]).some((w) => matchesWhere(w, metadata));
  return matchesCondition(
    metadata !== null && Object.hasOwn(metadata, key) ? metadata[key] : undefined,
    value,
  );
};
