/**
 * Key fragments shared by the entities: `IMAGE#<uuid>` partitions and 5-digit padded ids.
 */

/** Pads an id to 5 digits like Python's `{:05d}` (wider ids print wider, never truncated). */
export const padId = (id: number): string =>
  id < 0 ? `-${String(-id).padStart(4, '0')}` : String(id).padStart(5, '0');

/** `IMAGE#<imageId>`, the partition key of every receipt-scoped entity. */
export const imagePk = (imageId: string): string => `IMAGE#${imageId}`;

/** `RECEIPT#<rid:05>`, the sort-key prefix of every receipt-scoped entity. */
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
