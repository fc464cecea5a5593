import { InvalidChromaIdError } from '../errors.js';

/**
 * Chroma record ids of receipt lines and words (spec §2, DESIGN §4), as the Python
 * producer writes them:
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
  readonly kind: 'word';
}

/** A parsed line id. */
export interface ParsedLineChromaId extends ChromaLineIdParts {
  readonly kind: 'line';
}

/** What {@link parseChromaId} returns: a word or a line id, told apart by `kind`. */
export type ParsedChromaId = ParsedWordChromaId | ParsedLineChromaId;

/** What {@link safeParseChromaId} returns. */
export type SafeParseChromaIdResult =
  | { readonly success: true; readonly data: ParsedChromaId }
  | { readonly success: false; readonly error: InvalidChromaIdError };

/** Python's `{:05d}` for a non-negative integer. */
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
 * The id prefix shared by every line and word of a receipt, `IMAGE#{image}#RECEIPT#{r:05d}`
 * (Python H's `_build_chromadb_id(image, receipt)`).
 *
 * @throws InvalidChromaIdError when `imageId` is empty or contains `#`, or `receiptId` is not
 *   an integer `>= 0`
 */
export const receiptChromaIdPrefix = (parts: ChromaReceiptIdParts): string =>
  `IMAGE#${checkImageId(parts.imageId)}#RECEIPT#${checkNumber('receiptId', parts.receiptId)}`;

/**
 * The Chroma id of a receipt line in the LINES collection.
 *
 * @throws InvalidChromaIdError when a part is invalid (see {@link receiptChromaIdPrefix};
 *   `lineId` must be an integer `>= 0`)
 * @example
 * ```ts
 * lineChromaId({ imageId: 'abc', receiptId: 1, lineId: 2 }); // 'IMAGE#abc#RECEIPT#00001#LINE#00002'
 * ```
 */
export const lineChromaId = (parts: ChromaLineIdParts): string =>
  `${receiptChromaIdPrefix(parts)}#LINE#${checkNumber('lineId', parts.lineId)}`;

/**
 * The Chroma id of a receipt word in the WORDS collection.
 *
 * @throws InvalidChromaIdError when a part is invalid (see {@link lineChromaId}; `wordId`
 *   must be an integer `>= 0`)
 * @example
 * ```ts
 * wordChromaId({ imageId: 'img-99', receiptId: 123, lineId: 456, wordId: 789 });
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
 * (`…#WORD#…`, 8 parts). Stricter than Python's `update_word_labels` (which only requires
 * ≥ 8 parts and a `WORD` part): the layout must match exactly, and each number must be
 * printed as `{:05d}` prints it (digits only, at least 5, no extra leading zeros), so that
 * `wordChromaId(parseChromaId(id))` gives back `id`. Wider numbers (`123456`) are accepted.
 *
 * @throws InvalidChromaIdError when the id has another layout or a number part is not a
 *   canonically padded non-negative integer
 * @example
 * ```ts
 * const parsed = parseChromaId('IMAGE#abc#RECEIPT#00001#LINE#00002#WORD#00003');
 * if (parsed.kind === 'word') console.log(parsed.wordId); // 3
 * ```
 */
export const parseChromaId = (id: string): ParsedChromaId => {
  const result = safeParseChromaId(id);
  if (!result.success) throw result.error;
  return result.data;
};
