/**
 * The one module that builds and reads the keys of receipt-scoped items: `IMAGE#<uuid>`
 * partitions, 5-digit padded ids and the sort-key layouts (`RECEIPT#<rid>#LINE#<lid>…`)
 * the entities, the stream parsing and the compactor's receipt queries share.
 */

/**
 * The keys of an item: `PK`, `SK`, and the `<index>PK` / `<index>SK` pair of each secondary
 * index it is written to, e.g. `TableKeys<'GSI1' | 'GSI3'>`.
 */
export type TableKeys<Index extends string = never> = {
  [Key in 'PK' | 'SK' | `${Index}PK` | `${Index}SK`]: string;
};

/**
 * Pads an id to 5 digits like Python's `{:05d}` (wider ids print wider, never truncated).
 *
 * @param id - an integer id
 * @example
 * ```ts
 * import { padId } from '@receipt-chroma/dynamo-stream';
 *
 * padId(42); // '00042'
 * padId(123456); // '123456'
 * ```
 */
export const padId = (id: number): string =>
  id < 0 ? `-${String(-id).padStart(4, '0')}` : String(id).padStart(5, '0');

/**
 * `IMAGE#<imageId>`, the partition key of every receipt-scoped entity.
 *
 * @param imageId - the image's UUID
 */
export const imagePk = (imageId: string): string => `IMAGE#${imageId}`;

/**
 * `RECEIPT#<rid:05>`, the sort-key prefix of every receipt-scoped entity.
 *
 * @param receiptId - the receipt number within the image
 */
export const receiptSkPrefix = (receiptId: number): string => `RECEIPT#${padId(receiptId)}`;

/** `IMAGE#<img>#RECEIPT#<rid:05>`, used by several secondary indexes. */
export const imageReceiptKey = (imageId: string, receiptId: number): string =>
  `${imagePk(imageId)}#${receiptSkPrefix(receiptId)}`;

/** The image id of an `IMAGE#<id>` partition key: the second `#`-segment, as Python reads it. */
export const imageIdFromPk = (pk: string): string => {
  const start = pk.indexOf('#') + 1;
  if (start === 0) return '';
  const end = pk.indexOf('#', start);
  return end === -1 ? pk.slice(start) : pk.slice(start, end);
};

/**
 * The layout of a receipt-scoped sort key (`RECEIPT#<rid>#LINE#<lid>…`): the literal
 * segments at the even indexes, the ids read at the odd indexes after them, and whether the
 * key has exactly these segments or may go on (`RECEIPT#<rid>#SECTION#<type>`).
 */
export interface ReceiptKeyLayout {
  /** The entity named in the message for a malformed key, as Python words it. */
  readonly entity: string;
  /** The literal segments at indexes 0, 2, 4…, e.g. `['RECEIPT', 'LINE']`. */
  readonly segments: readonly string[];
  /** The id names read at indexes 1, 3, 5…, e.g. `['receipt_id', 'line_id']`. */
  readonly ids: readonly string[];
  /**
   * The field read from the rest of the key after the last segment, e.g. `label` for
   * `…#LABEL#<label>`; none when the key ends with an id.
   */
  readonly name?: string | undefined;
  /** A literal final segment with nothing after it, e.g. `PLACE` in `RECEIPT#<rid>#PLACE`. */
  readonly last?: string | undefined;
  /** True when the key has exactly these segments; false when it may have more. */
  readonly exact: boolean;
}

/** The `#`-segments of `sk` when it has the layout's literal segments, else `undefined`. @internal */
export const splitReceiptSortKey = (sk: string, layout: ReceiptKeyLayout): string[] | undefined => {
  const parts = sk.split('#');
  const { segments, last } = layout;
  const length = 2 * segments.length + (last === undefined ? 0 : 1);
  if (layout.exact ? parts.length !== length : parts.length < length) return undefined;
  for (let index = 0; index < segments.length; index += 1) {
    if (parts[2 * index] !== segments[index]) return undefined;
  }
  return last === undefined || parts[length - 1] === last ? parts : undefined;
};

/** The layout's `name`: the rest of the key after its last literal segment. @internal */
export const nameOfReceiptSortKey = (parts: readonly string[], layout: ReceiptKeyLayout): string =>
  parts.slice(2 * layout.segments.length - 1).join('#');

/**
 * Builds the sort key of `layout` from an entity's ids (padded to 5 digits) and its `name`,
 * as the Python entities write it: `RECEIPT#00001#LINE#00002`, `…#LABEL#TOTAL`, `…#PLACE`.
 *
 * @param layout - the sort key's layout, e.g. {@link LINE_SORT_KEY}
 * @param values - the entity, or any object holding the layout's ids and `name`
 * @example
 * ```ts
 * import { buildReceiptSortKey, LABEL_SORT_KEY } from '@receipt-chroma/dynamo-stream';
 *
 * buildReceiptSortKey(LABEL_SORT_KEY, { receipt_id: 1, line_id: 2, word_id: 3, label: 'TOTAL' });
 * // 'RECEIPT#00001#LINE#00002#WORD#00003#LABEL#TOTAL'
 * ```
 */
export const buildReceiptSortKey = (
  layout: ReceiptKeyLayout,
  values: Readonly<Record<string, unknown>>,
): string => {
  const { segments, ids, name, last } = layout;
  let key = '';
  for (let index = 0; index < segments.length; index += 1) {
    const id = ids[index];
    const rest = id === undefined ? String(values[name as string]) : padId(values[id] as number);
    key += `${index === 0 ? '' : '#'}${segments[index]}#${rest}`;
  }
  return last === undefined ? key : `${key}#${last}`;
};

/** `RECEIPT#<rid>`. */
export const RECEIPT_SORT_KEY: ReceiptKeyLayout = {
  entity: 'Receipt',
  segments: ['RECEIPT'],
  ids: ['receipt_id'],
  exact: true,
};

/** `RECEIPT#<rid>#LINE#<lid>`. */
export const LINE_SORT_KEY: ReceiptKeyLayout = {
  entity: 'ReceiptLine',
  segments: ['RECEIPT', 'LINE'],
  ids: ['receipt_id', 'line_id'],
  exact: true,
};

/** `RECEIPT#<rid>#LINE#<lid>#WORD#<wid>`. */
export const WORD_SORT_KEY: ReceiptKeyLayout = {
  entity: 'RECEIPT/LINE/WORD',
  segments: ['RECEIPT', 'LINE', 'WORD'],
  ids: ['receipt_id', 'line_id', 'word_id'],
  exact: true,
};

/** `RECEIPT#<rid>#LINE#<lid>#WORD#<wid>#LABEL#<label>`. */
export const LABEL_SORT_KEY: ReceiptKeyLayout = {
  entity: 'ReceiptWordLabel',
  segments: ['RECEIPT', 'LINE', 'WORD', 'LABEL'],
  ids: ['receipt_id', 'line_id', 'word_id'],
  name: 'label',
  exact: true,
};

/** `RECEIPT#<rid>#SECTION#<type>` (anything after the type is not read). */
export const SECTION_SORT_KEY: ReceiptKeyLayout = {
  entity: 'ReceiptSection',
  segments: ['RECEIPT', 'SECTION'],
  ids: ['receipt_id'],
  name: 'section_type',
  exact: false,
};

/** `RECEIPT#<rid>#COMPACTION_RUN#<run_id>`. */
export const COMPACTION_RUN_SORT_KEY: ReceiptKeyLayout = {
  entity: 'CompactionRun',
  segments: ['RECEIPT', 'COMPACTION_RUN'],
  ids: ['receipt_id'],
  name: 'run_id',
  exact: true,
};

/** `RECEIPT#<rid>#METADATA`, the legacy merchant metadata row. */
export const METADATA_SORT_KEY: ReceiptKeyLayout = {
  entity: 'ReceiptMetadata',
  segments: ['RECEIPT'],
  ids: ['receipt_id'],
  last: 'METADATA',
  exact: true,
};

/** `RECEIPT#<rid>#PLACE`, a receipt's matched merchant place. */
export const PLACE_SORT_KEY: ReceiptKeyLayout = {
  entity: 'ReceiptPlace',
  segments: ['RECEIPT'],
  ids: ['receipt_id'],
  last: 'PLACE',
  exact: true,
};

/**
 * Whether `sk` has `layout`'s shape: its literal segments in place, an id (any text without
 * `#`) after each, the `name` or `last` segment when the layout has one, and no further
 * segment when the layout is exact. Reads the key without splitting it (it runs for every
 * stream record).
 *
 * @param layout - the sort key's layout, e.g. {@link WORD_SORT_KEY}
 * @param sk - the sort key to test
 * @example
 * ```ts
 * import { matchesReceiptSortKey, WORD_SORT_KEY } from '@receipt-chroma/dynamo-stream';
 *
 * matchesReceiptSortKey(WORD_SORT_KEY, 'RECEIPT#00001#LINE#00002#WORD#00003'); // true
 * matchesReceiptSortKey(WORD_SORT_KEY, 'RECEIPT#00001#LINE#00002#WORD#00003#LETTER#00001'); // false
 * ```
 */
export const matchesReceiptSortKey = (layout: ReceiptKeyLayout, sk: string): boolean => {
  const { segments, ids, name, last, exact } = layout;
  let at = 0;
  for (let index = 0; index < segments.length; index += 1) {
    const segment = segments[index] as string;
    if (index > 0) {
      if (sk.charCodeAt(at) !== HASH) return false;
      at += 1;
    }
    if (!sk.startsWith(segment, at) || sk.charCodeAt(at + segment.length) !== HASH) return false;
    at += segment.length + 1;
    if (index >= ids.length) {
      // The name: one segment when the layout is exact, else anything.
      return name !== undefined && (!exact || sk.indexOf('#', at) === -1);
    }
    const end = sk.indexOf('#', at);
    at = end === -1 ? sk.length : end;
  }
  if (last !== undefined) {
    const end = at + last.length + 1;
    return (
      sk.startsWith(`#${last}`, at) &&
      (end === sk.length || (!exact && sk.charCodeAt(end) === HASH))
    );
  }
  return exact ? at === sk.length : true;
};

const HASH = 35;
