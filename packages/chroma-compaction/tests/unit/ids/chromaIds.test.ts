import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidChromaIdError } from '../../../src/errors.js';
import {
  lineChromaId,
  parseChromaId,
  receiptChromaIdPrefix,
  safeParseChromaId,
  wordChromaId,
} from '../../../src/ids/chromaIds.js';

const IMAGE_ID = '7e2bd911-7afb-4e0a-84de-57f51ce4daff';

const imageIdArb = fc.stringMatching(/^[A-Za-z0-9_.-]{1,40}$/);
const idArb = fc.oneof(fc.nat({ max: 99_999 }), fc.nat({ max: Number.MAX_SAFE_INTEGER }));

describe('Function: wordChromaId', () => {
  it('pads receipt, line and word ids to 5 digits', () => {
    // Prepare
    const parts = { imageId: 'img-99', receiptId: 123, lineId: 456, wordId: 789 };

    // Act
    const id = wordChromaId(parts);

    // Assess
    expect(id).toBe('IMAGE#img-99#RECEIPT#00123#LINE#00456#WORD#00789');
  });

  it('prints ids wider than 5 digits in full instead of truncating them', () => {
    // Act
    const id = wordChromaId({
      imageId: IMAGE_ID,
      receiptId: 123_456,
      lineId: 1,
      wordId: 1_000_000,
    });

    // Assess
    expect(id).toBe(`IMAGE#${IMAGE_ID}#RECEIPT#123456#LINE#00001#WORD#1000000`);
  });

  it.each([
    ['a negative word id', { imageId: IMAGE_ID, receiptId: 1, lineId: 1, wordId: -1 }],
    ['a fractional line id', { imageId: IMAGE_ID, receiptId: 1, lineId: 1.5, wordId: 1 }],
    ['a NaN receipt id', { imageId: IMAGE_ID, receiptId: Number.NaN, lineId: 1, wordId: 1 }],
    ['an empty image id', { imageId: '', receiptId: 1, lineId: 1, wordId: 1 }],
    ['an image id with #', { imageId: 'a#b', receiptId: 1, lineId: 1, wordId: 1 }],
  ])('rejects %s with InvalidChromaIdError', (_name, parts) => {
    // Act & Assess
    expect(() => wordChromaId(parts)).toThrow(InvalidChromaIdError);
  });
});

describe('Function: lineChromaId', () => {
  it('builds the line id of the LINES collection', () => {
    // Act
    const id = lineChromaId({ imageId: 'abc', receiptId: 1, lineId: 2 });

    // Assess
    expect(id).toBe('IMAGE#abc#RECEIPT#00001#LINE#00002');
  });
});

describe('Function: receiptChromaIdPrefix', () => {
  it('builds the prefix every line and word id of the receipt starts with', () => {
    // Act
    const prefix = receiptChromaIdPrefix({ imageId: 'img-123', receiptId: 99 });

    // Assess
    expect(prefix).toBe('IMAGE#img-123#RECEIPT#00099');
    expect(wordChromaId({ imageId: 'img-123', receiptId: 99, lineId: 1, wordId: 2 })).toMatch(
      new RegExp(`^${prefix}#`),
    );
  });
});

describe('Function: parseChromaId', () => {
  it('parses a word id', () => {
    // Act
    const parsed = parseChromaId('IMAGE#img-99#RECEIPT#00123#LINE#00456#WORD#00789');

    // Assess
    expect(parsed).toEqual({
      kind: 'word',
      imageId: 'img-99',
      receiptId: 123,
      lineId: 456,
      wordId: 789,
    });
  });

  it('parses a line id', () => {
    // Act
    const parsed = parseChromaId('IMAGE#abc#RECEIPT#00001#LINE#00002');

    // Assess
    expect(parsed).toEqual({ kind: 'line', imageId: 'abc', receiptId: 1, lineId: 2 });
  });

  it('parses numbers wider than 5 digits', () => {
    // Act
    const parsed = parseChromaId('IMAGE#abc#RECEIPT#123456#LINE#00002#WORD#100000');

    // Assess
    expect(parsed).toMatchObject({ kind: 'word', receiptId: 123_456, wordId: 100_000 });
  });

  it.each([
    ['an empty string', ''],
    ['a receipt id (no line)', 'IMAGE#abc#RECEIPT#00001'],
    ['a letter id', 'IMAGE#abc#RECEIPT#00001#LINE#00002#WORD#00003#LETTER#00001'],
    ['a wrong tag', 'IMAGE#abc#RECEIPT#00001#LINE#00002#LABEL#00003'],
    ['a lower-case tag', 'image#abc#RECEIPT#00001#LINE#00002'],
    ['an empty image id', 'IMAGE##RECEIPT#00001#LINE#00002'],
    ['a non-integer id', 'IMAGE#abc#RECEIPT#00001#LINE#0000x'],
    ['a negative id', 'IMAGE#abc#RECEIPT#-0001#LINE#00002'],
    ['a fractional id', 'IMAGE#abc#RECEIPT#001.5#LINE#00002'],
    ['an unpadded id', 'IMAGE#abc#RECEIPT#1#LINE#00002'],
    ['an over-padded id', 'IMAGE#abc#RECEIPT#000001#LINE#00002'],
    ['an id with spaces', 'IMAGE#abc#RECEIPT# 0001#LINE#00002'],
    ['an id beyond 2^53', 'IMAGE#abc#RECEIPT#90071992547409930#LINE#00002'],
  ])('rejects %s with InvalidChromaIdError', (_name, id) => {
    // Act & Assess
    expect(() => parseChromaId(id)).toThrow(InvalidChromaIdError);
  });

  it('rejects a value that is not a string, naming it in the message', () => {
    // Act
    const result = safeParseChromaId(12 as unknown as string);

    // Assess
    expect(result.success).toBe(false);
    const error = result.success ? undefined : result.error;
    expect(error).toBeInstanceOf(InvalidChromaIdError);
    expect(error?.message).toBe('Invalid Chroma id "12": not a string');
    expect(error?.context).toEqual({ chromaId: '12' });
  });

  it('names the id in the error context', () => {
    // Act
    const result = safeParseChromaId('IMAGE#abc');

    // Assess
    expect(result).toMatchObject({ success: false });
    expect(result.success ? undefined : result.error.context).toEqual({ chromaId: 'IMAGE#abc' });
  });

  it('gives back the parts a word id was built from', () => {
    fc.assert(
      fc.property(imageIdArb, idArb, idArb, idArb, (imageId, receiptId, lineId, wordId) => {
        // Act
        const parsed = parseChromaId(wordChromaId({ imageId, receiptId, lineId, wordId }));

        // Assess
        expect(parsed).toEqual({ kind: 'word', imageId, receiptId, lineId, wordId });
      }),
    );
  });

  it('gives back the parts a line id was built from', () => {
    fc.assert(
      fc.property(imageIdArb, idArb, idArb, (imageId, receiptId, lineId) => {
        // Act
        const parsed = parseChromaId(lineChromaId({ imageId, receiptId, lineId }));

        // Assess
        expect(parsed).toEqual({ kind: 'line', imageId, receiptId, lineId });
      }),
    );
  });

  it('rebuilds exactly the id it parsed, or rejects it', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constantFrom(
              'IMAGE',
              'RECEIPT',
              'LINE',
              'WORD',
              'img',
              '00001',
              '123456',
              '0',
              '01',
            ),
            fc.string(),
          ),
          {
            minLength: 5,
            maxLength: 9,
          },
        ),
        (parts) => {
          // Prepare
          const id = parts.join('#');

          // Act
          const result = safeParseChromaId(id);

          // Assess
          if (!result.success) {
            expect(result.error).toBeInstanceOf(InvalidChromaIdError);
            return;
          }
          const rebuilt =
            result.data.kind === 'word' ? wordChromaId(result.data) : lineChromaId(result.data);
          expect(rebuilt).toBe(id);
        },
      ),
    );
  });

  it('accepts every canonical 5-digit form', () => {
    fc.assert(
      fc.property(fc.nat({ max: 99_999 }), (value) => {
        // Prepare
        const text = String(value).padStart(5, '0');

        // Act
        const parsed = parseChromaId(`IMAGE#i#RECEIPT#${text}#LINE#${text}#WORD#${text}`);

        // Assess
        expect(parsed).toEqual({
          kind: 'word',
          imageId: 'i',
          receiptId: value,
          lineId: value,
          wordId: value,
        });
      }),
    );
  });
});
