import { afterEach, describe, expect, it, vi } from 'vitest';
import { S } from '../../../src/validation/attributes.js';
import type { Field } from '../../../src/validation/field.js';
import { flag, nullableText, text } from '../../../src/validation/fieldKinds.js';
import { fastAttributeReader, fastFieldReader } from '../../../src/validation/fieldReader.js';

const TABLE = {
  name: text() as Field<string>,
  'odd "name"': nullableText() as Field<string | null>,
  done: flag(false) as Field<boolean>,
};

const ITEMS: readonly (readonly [string, Record<string, unknown>, unknown])[] = [
  [
    'every field sure',
    { name: { S: 'a' }, 'odd "name"': { NULL: true }, done: { BOOL: true } },
    { name: 'a', 'odd "name"': null, done: true },
  ],
  [
    'a missing flag read as its default',
    { name: { S: 'b' } },
    { name: 'b', 'odd "name"': null, done: false },
  ],
  ['a decoder that reports', { name: { N: '1' } }, undefined],
  ['a value the kind refuses', { name: { S: 'c' }, done: { BOOL: 'yes' } }, undefined],
];

/**
 * Builds a reader and compiles it (on its first read) with code from strings forbidden, as
 * `--disallow-code-generation-from-strings` does.
 */
const withoutCodeGeneration = <T extends (item: Record<string, unknown>) => unknown>(
  build: () => T,
): T => {
  vi.stubGlobal('Function', function forbidden() {
    throw new EvalError('Code generation from strings disallowed for this context');
  });
  try {
    const read = build();
    read({});
    return read;
  } finally {
    vi.unstubAllGlobals();
  }
};

describe('Function: fastFieldReader', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  for (const [label, item, expected] of ITEMS) {
    it(`reads ${label}, generated or not`, () => {
      // Prepare
      const generated = fastFieldReader([TABLE]);
      const looped = withoutCodeGeneration(() => fastFieldReader([TABLE]));

      // Act
      const fromGenerated = generated(item);
      const fromLoop = looped(item);

      // Assess
      expect(fromGenerated).toStrictEqual(expected);
      expect(fromLoop).toStrictEqual(expected);
      if (expected !== undefined) {
        expect(Object.keys(fromGenerated ?? {})).toEqual(Object.keys(TABLE));
        expect(Object.keys(fromLoop ?? {})).toEqual(Object.keys(TABLE));
      }
    });
  }
});

describe('Function: fastAttributeReader', () => {
  it('decodes the shape, or gives undefined when a decoder reports, generated or not', () => {
    // Prepare
    const readers = [
      fastAttributeReader({ PK: S, SK: S }),
      withoutCodeGeneration(() => fastAttributeReader({ PK: S, SK: S })),
    ];

    // Act
    const outcomes = readers.map((read) => [
      read({ PK: { S: 'IMAGE#x' }, SK: { S: 'RECEIPT#00001' } }),
      read({ PK: { S: 'IMAGE#x' } }),
    ]);

    // Assess
    for (const [valid, missing] of outcomes) {
      expect(valid).toStrictEqual({ PK: 'IMAGE#x', SK: 'RECEIPT#00001' });
      expect(missing).toBeUndefined();
    }
  });
});
