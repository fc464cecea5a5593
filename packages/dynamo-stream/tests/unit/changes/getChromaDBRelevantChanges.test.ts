import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getChromaDBRelevantChanges } from '../../../src/changes/getChromaDBRelevantChanges.js';
import { jsonEqual, toJsonValue } from '../../../src/changes/jsonValue.js';
import { CHROMADB_RELEVANT_FIELDS } from '../../../src/changes/relevantFields.js';
import type { JsonValue } from '../../../src/messages/types.js';

describe('Function: getChromaDBRelevantChanges', () => {
  const place = {
    merchant_name: 'Target',
    merchant_category: 'store',
    formatted_address: '1 Main St',
    phone_number: '555',
    place_id: 'p1',
    confidence: 0.5,
  };

  it('reports only relevant fields that differ, in the field-list order', () => {
    // Prepare
    const after = { ...place, phone_number: '556', merchant_name: 'Target Store', confidence: 0.9 };

    // Act
    const changes = getChromaDBRelevantChanges('RECEIPT_PLACE', place, after);

    // Assess
    expect(Object.keys(changes)).toEqual(['merchant_name', 'phone_number']);
    expect(changes['merchant_name']).toEqual({ old: 'Target', new: 'Target Store' });
  });

  it('treats a missing entity as all-null, and "" vs null as a change', () => {
    // Act
    const inserted = getChromaDBRelevantChanges('RECEIPT_PLACE', null, {
      ...place,
      phone_number: '',
    });
    const nulled = getChromaDBRelevantChanges(
      'RECEIPT_PLACE',
      { ...place, phone_number: '' },
      { ...place, phone_number: null },
    );

    // Assess
    expect(Object.keys(inserted)).toEqual(CHROMADB_RELEVANT_FIELDS['RECEIPT_PLACE']);
    expect(inserted['phone_number']).toEqual({ old: null, new: '' });
    expect(nulled).toEqual({ phone_number: { old: '', new: null } });
  });

  it('compares arrays deeply and in order', () => {
    // Prepare
    const section = {
      section_type: 'ITEMS',
      line_ids: [1, 2, 3],
      confidence: null,
      validation_status: null,
    };

    // Act
    const same = getChromaDBRelevantChanges('RECEIPT_SECTION', section, {
      ...section,
      line_ids: [1, 2, 3],
    });
    const reordered = getChromaDBRelevantChanges('RECEIPT_SECTION', section, {
      ...section,
      line_ids: [3, 2, 1],
    });

    // Assess
    expect(same).toEqual({});
    expect(reordered).toEqual({ line_ids: { old: [1, 2, 3], new: [3, 2, 1] } });
  });

  it('has no relevant fields for receipts, lines, words, compaction runs and unknown types', () => {
    // Act & Assess
    for (const type of ['RECEIPT', 'RECEIPT_LINE', 'RECEIPT_WORD', 'COMPACTION_RUN', 'NOPE']) {
      expect(getChromaDBRelevantChanges(type, { text: 'a' }, { text: 'b' })).toEqual({});
    }
  });

  it('only ever returns JSON-serialisable values', () => {
    // Prepare
    const before = { timestamp_computed: new Date('2026-01-01T00:00:00Z') };
    const after = { timestamp_computed: new Date('2026-01-02T00:00:00Z') };

    // Act
    const changes = getChromaDBRelevantChanges('RECEIPT_SUMMARY', before, after);

    // Assess
    expect(changes).toEqual({
      timestamp_computed: { old: '2026-01-01T00:00:00.000Z', new: '2026-01-02T00:00:00.000Z' },
    });
    expect(JSON.parse(JSON.stringify(changes))).toEqual(changes);
  });
});

describe('Function: toJsonValue', () => {
  it('converts non-JSON values', () => {
    // Act & Assess
    expect(toJsonValue(undefined)).toBeNull();
    expect(toJsonValue(Number.NaN)).toBeNull();
    expect(toJsonValue(10n)).toBe('10');
    expect(toJsonValue(new Set(['b', 'a']))).toEqual(['a', 'b']);
    expect(toJsonValue(new Map([['k', 1]]))).toEqual({ k: 1 });
    expect(toJsonValue({ nested: [new Date(0)] })).toEqual({
      nested: ['1970-01-01T00:00:00.000Z'],
    });
    expect(toJsonValue(() => 1)).toBeNull();
  });
});

describe('Function: jsonEqual', () => {
  it.each([
    [{ a: 1, b: [1, { c: 'x' }] }, { b: [1, { c: 'x' }], a: 1 }, true],
    [{ a: 1 }, { a: 1, b: null }, false],
    [[1, 2], [1, 2, 3], false],
    [[1], { 0: 1 }, false],
    [null, {}, false],
    ['', null, false],
  ])('jsonEqual(%j, %j) is %s', (left, right, expected) => {
    // Act & Assess
    expect(jsonEqual(left, right)).toBe(expected);
  });
});

/** jsonEqual as first written (listing keys), the reference for the allocation-free one. */
const referenceJsonEqual = (left: JsonValue, right: JsonValue): boolean => {
  if (left === right) return true;
  if (left === null || right === null || typeof left !== 'object' || typeof right !== 'object') {
    return false;
  }
  if (Array.isArray(left)) {
    if (!Array.isArray(right) || left.length !== right.length) return false;
    return left.every((item, index) => referenceJsonEqual(item, right[index] ?? null));
  }
  if (Array.isArray(right)) return false;
  const leftKeys = Object.keys(left);
  if (leftKeys.length !== Object.keys(right).length) return false;
  return leftKeys.every(
    (key) => Object.hasOwn(right, key) && referenceJsonEqual(left[key] ?? null, right[key] ?? null),
  );
};

describe('Property: jsonEqual', () => {
  it('agrees with the key-listing reference on random and near-equal JSON values', () => {
    const json = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<JsonValue>;
    fc.assert(
      fc.property(json, json, fc.boolean(), (left, other, nearCopy) => {
        // Prepare: half the time compare a value with a structural copy of itself, maybe changed
        const right = nearCopy ? (JSON.parse(JSON.stringify(left)) as JsonValue) : other;

        // Act, Assess
        expect(jsonEqual(left, right)).toBe(referenceJsonEqual(left, right));
        expect(jsonEqual(right, left)).toBe(referenceJsonEqual(right, left));
      }),
      { numRuns: 2000 },
    );
  });
});
