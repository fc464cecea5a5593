import { describe, expect, it } from 'vitest';
import type { Where } from '../../../src/ports/vectorCollection.js';
import { matchesWhere, whereProblem } from '../../../src/testing/chromaWhere.js';

describe('Function: whereProblem', () => {
  it.each([
    ['undefined', undefined, 'a where filter must be an object, got undefined'],
    ['a list', [{ a: 1 }], 'a where filter must be an object, got [{"a":1}]'],
    ['a bigint', 10n, 'a where filter must be an object, got 10'],
  ])('refuses %s as a filter', (_case, where, expected) => {
    // Act & Assess
    expect(whereProblem(where)).toBe(expected);
  });

  it('describes a value JSON cannot write with String()', () => {
    // Prepare
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;

    // Act & Assess
    expect(whereProblem({ a: { $eq: circular } })).toBe(
      '$eq on "a" needs a string, a finite number or a boolean, got [object Object]',
    );
  });

  it('reports the first bad clause of an $and', () => {
    // Act & Assess
    expect(whereProblem({ $and: [{ a: 1 }, { b: { $gt: 'x' } }, { c: null }] })).toBe(
      '$gt on "b" needs a finite number, got "x"',
    );
  });

  it('refuses an unknown top-level operator', () => {
    // Act & Assess
    expect(whereProblem({ $nor: [{ a: 1 }, { b: 2 }] })).toBe('unknown top-level operator $nor');
  });

  it('refuses a key with the reserved chroma: prefix', () => {
    // Act & Assess
    expect(whereProblem({ 'chroma:document': 'x' })).toBe(
      '"chroma:document" is a reserved key (the "chroma:" prefix)',
    );
  });

  it.each([
    ['null', null, 'null'],
    ['NaN', Number.NaN, 'null'],
    ['a list', ['x'], '["x"]'],
  ])('refuses %s as a condition', (_case, condition, shown) => {
    // Act & Assess
    expect(whereProblem({ a: condition })).toBe(
      `the condition on "a" must be a string, a finite number, a boolean or an operator object, got ${shown}`,
    );
  });

  it('accepts a valid $or of conditions', () => {
    // Act & Assess
    expect(whereProblem({ $or: [{ a: { $in: [1, 2] } }, { b: true }] })).toBeUndefined();
  });
});

describe('Function: matchesWhere', () => {
  it('matches nothing with an empty filter or an empty operator object', () => {
    // Act & Assess
    expect(matchesWhere({} as Where, { a: 1 })).toBe(false);
    expect(matchesWhere({ a: {} } as unknown as Where, { a: 1 })).toBe(false);
  });

  it('does not match a stored value that is not a storable scalar', () => {
    // Prepare
    const metadata = { a: Number.NaN, b: null } as unknown as Record<string, number>;

    // Act & Assess
    expect(matchesWhere({ a: { $eq: 1 } }, metadata)).toBe(false);
    expect(matchesWhere({ b: { $ne: 'x' } }, metadata)).toBe(true);
    expect(matchesWhere({ a: { $gt: 0 } }, metadata)).toBe(false);
  });
});
