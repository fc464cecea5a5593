import { InvalidChromaIdError } from '../errors.js';

// Id layout: spec §2, DESIGN §4.
/**
 * Chroma record ids of receipt lines and words, as the Python producer writes them:
 *
 * - word: `IMAGE#{image_id}#RECEIPT#{receipt_id:05d}#LINE#{line_id:05d}#WORD#{word_id:05d}`
 * - line: `IMAGE#{image_id}#RECEIPT#{receipt_id:05d}#LINE#{line_id:05d}`
 *
 * Numbers are zero-padded to 5 digits; wider numbers print wider and are never truncated.
 */

/** The receipt an id belongs to. */
export interface ChromaReceiptIdParts {
  /** The image id, used verbatim (usually a UUID); non-empty and without `#`. */
  readonly imageId: string;
  /** The receipt number within the image, an integer `>= 0`. */
  readonly receiptId: number;
}

/** The parts of a line id. */
export interface ChromaLineIdParts extends ChromaReceiptIdParts {
  /** The line number within the receipt, an integer `>= 0`. */
  readonly lineId: number;
}

/** The parts of a word id. */
export interface ChromaWordIdParts extends ChromaLineIdParts {
  /** The word number within the line, an integer `>= 0`. */
  readonly wordId: number;
}

/** A parsed word id. */
export interface ParsedWordChromaId extends ChromaWordIdParts {
  /** Tells a word id from a line id. */
  readonly kind: 'word';
}

/** A parsed line id. */
export interface ParsedLineChromaId extends ChromaLineIdParts {
  /** Tells a line id from a word id. */
  readonly kind: 'line';
}

/** What {@link parseChromaId} returns: a word or a line id, told apart by `kind`. */
export type ParsedChromaId = ParsedWordChromaId | ParsedLineChromaId;

/**
 * What {@link safeParseChromaId} returns: the parsed id, or the error {@link parseChromaId}
 * would throw.
 */
export type SafeParseChromaIdResult =
  | {
      /** The id parsed. */
      readonly success: true;
      /** The parsed id. */
      readonly data: ParsedChromaId;
    }
  | {
      /** The id did not parse. */
      readonly success: false;
      /** Why, with the id in its `context`. */
      readonly error: InvalidChromaIdError;
    };

/** `{:05d}` (Python's format) for a non-negative integer. */
const pad = (value: number): string => String(value).padStart(5, '0');

const checkImageId = (imageId: string): string => {
  if (typeof imageId !== 'string' || imageId === '' || imageId.includes('#')) {
    throw new InvalidChromaIdError(
      `Cannot build a Chroma id: imageId must be a non-empty string without '#', got ${JSON.stringify(imageId)}`,
      { context: { imageId: String(imageId) } },
    );
  }
  return imageId;
};

const checkNumber = (name: string, value: number): string => {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidChromaIdError(
      `Cannot build a Chroma id: ${name} must be an integer >= 0, got ${String(value)}`,
      { context: { [name]: String(value) } },
    );
  }
  return pad(value);
};

/**
 * The id prefix shared by every line and word of a receipt, `IMAGE#{image}#RECEIPT#{r:05d}`,
 * as the Python package builds it; useful to find or delete a receipt's records by prefix.
 *
 * @param parts - the image and receipt
 * @throws {InvalidChromaIdError} when `imageId` is empty or contains `#`, or `receiptId` is not
 *   an integer `>= 0`
 * @example
 * ```ts
 * import { receiptChromaIdPrefix } from '@receipt-chroma/chroma-compaction';
 *
 * const prefix = receiptChromaIdPrefix({ imageId: 'abc', receiptId: 1 });
 * // 'IMAGE#abc#RECEIPT#00001'
 * ```
 */
export const receiptChromaIdPrefix = (parts: ChromaReceiptIdParts): string =>
  `IMAGE#${checkImageId(parts.imageId)}#RECEIPT#${checkNumber('receiptId', parts.receiptId)}`;

/**
 * The Chroma id of a receipt line in the `lines` collection.
 *
 * @param parts - the image, receipt and line
 * @throws {InvalidChromaIdError} when a part is invalid (see {@link receiptChromaIdPrefix};
 *   `lineId` must be an integer `>= 0`)
 * @example
 * ```ts
 * import { lineChromaId } from '@receipt-chroma/chroma-compaction';
 *
 * const id = lineChromaId({ imageId: 'abc', receiptId: 1, lineId: 2 });
 * // 'IMAGE#abc#RECEIPT#00001#LINE#00002'
 * ```
 */
export const lineChromaId = (parts: ChromaLineIdParts): string =>
  `${receiptChromaIdPrefix(parts)}#LINE#${checkNumber('lineId', parts.lineId)}`;

/**
 * The Chroma id of a receipt word in the `words` collection.
 *
 * @param parts - the image, receipt, line and word
 * @throws {InvalidChromaIdError} when a part is invalid (see {@link lineChromaId}; `wordId`
 *   must be an integer `>= 0`)
 * @example
 * ```ts
 * import { wordChromaId } from '@receipt-chroma/chroma-compaction';
 *
 * const id = wordChromaId({ imageId: 'img-99', receiptId: 123, lineId: 456, wordId: 789 });
 * // 'IMAGE#img-99#RECEIPT#00123#LINE#00456#WORD#00789'
 * ```
 */
export const wordChromaId = (parts: ChromaWordIdParts): string =>
  `${lineChromaId(parts)}#WORD#${checkNumber('wordId', parts.wordId)}`;

const DIGITS = /^\d+$/;

/** A number part as the builders print it: digits, at least 5, no extra leading zeros. */
const readNumber = (text: string): number | undefined => {
  if (!DIGITS.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) && pad(value) === text ? value : undefined;
};

const invalid = (id: string, reason: string): InvalidChromaIdError =>
  new InvalidChromaIdError(`Invalid Chroma id ${JSON.stringify(id)}: ${reason}`, {
    context: { chromaId: id },
  });

/**
 * Parses a line or word id without throwing; see {@link parseChromaId} for the rules.
 *
 * @param id - a Chroma record id
 * @returns the parsed id, or the {@link InvalidChromaIdError} that says why it is invalid
 * @example
 * ```ts
 * import { safeParseChromaId } from '@receipt-chroma/chroma-compaction';
 *
 * const result = safeParseChromaId('IMAGE#abc#RECEIPT#00001#LINE#00002');
 * const lineId = result.success ? result.data.lineId : undefined; // 2
 * ```
 */
export const safeParseChromaId = (id: string): SafeParseChromaIdResult => {
  if (typeof id !== 'string') {
    return { success: false, error: invalid(String(id), 'not a string') };
  }
  const parts = id.split('#');
  const isLine = parts.length === 6;
  const isWord = parts.length === 8 && parts[6] === 'WORD';
  if (
    !(isLine || isWord) ||
    parts[0] !== 'IMAGE' ||
    parts[2] !== 'RECEIPT' ||
    parts[4] !== 'LINE' ||
    parts[1] === ''
  ) {
    return {
      success: false,
      error: invalid(
        id,
        'expected IMAGE#{image}#RECEIPT#{receipt:05d}#LINE#{line:05d} with an optional #WORD#{word:05d}',
      ),
    };
  }
  // A line id has 6 parts and a word id 8 (checked above), so these indices all exist.
  const imageId = parts[1] as string;
  const receiptId = readNumber(parts[3] as string);
  const lineId = readNumber(parts[5] as string);
  const wordId = isWord ? readNumber(parts[7] as string) : 0;
  if (receiptId === undefined || lineId === undefined || wordId === undefined) {
    return {
      success: false,
      error: invalid(id, 'ids must be non-negative integers padded to 5 digits, as {:05d} prints'),
    };
  }
  return {
    success: true,
    data: isWord
      ? { kind: 'word', imageId, receiptId, lineId, wordId }
      : { kind: 'line', imageId, receiptId, lineId },
  };
};

/**
 * Parses a Chroma id of a line (`IMAGE#…#RECEIPT#…#LINE#…`, 6 parts) or a word
 * (`…#WORD#…`, 8 parts). Stricter than the Python package's word label handler (which only
 * requires 8 parts or more and a `WORD` part): the layout must match exactly, and each
 * number must be zero-padded to 5 digits (digits only, at least 5, no extra leading zeros),
 * so that `wordChromaId(parseChromaId(id))` gives back `id`. Wider numbers (`123456`) are
 * accepted.
 *
 * @param id - a Chroma record id
 * @throws {InvalidChromaIdError} when the id has another layout or a number part is not a
 *   canonically padded non-negative integer
 * @example
 * ```ts
 * import { parseChromaId } from '@receipt-chroma/chroma-compaction';
 *
 * const parsed = parseChromaId('IMAGE#abc#RECEIPT#00001#LINE#00002#WORD#00003');
 * if (parsed.kind === 'word') console.log(parsed.wordId); // 3
 * ```
 */
export const parseChromaId = (id: string): ParsedChromaId => {
  const result = safeParseChromaId(id);
  if (!result.success) throw result.error;
  return result.data;
};
