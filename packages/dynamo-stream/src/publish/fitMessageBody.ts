import { escapedLength, escapedPrefixLength } from '../messages/pythonJson.js';
import type { FieldChange, FieldChanges, JsonValue, StreamMessage } from '../messages/types.js';
import { encodeStreamMessage } from '../messages/wire.js';

/**
 * Shrinking a queue body that exceeds the queue's size limit. Consumers read an entity's
 * state from the table, not from `changes` (DESIGN.md §1), so a message whose `changes` are
 * shortened still converges; a message that is not sent at all does not.
 */

/** What ends a string value cut to fit the size limit. */
export const TRUNCATION_MARKER = '...[truncated]';

const MARKER_BYTES = TRUNCATION_MARKER.length;

/** A queue body for a message, and whether it had to be shrunk to fit. @internal */
export interface FittedBody {
  readonly body: string;
  readonly truncated: boolean;
}

/** Something that holds JSON values: an object, an array, or a change's `{ old, new }`. */
type Holder = Record<string | number, JsonValue>;

/** A string inside the `changes` being shrunk, and where to write its cut version. */
interface StringSlot {
  readonly holder: Holder;
  readonly key: string | number;
  readonly text: string;
  readonly bytes: number;
}

/** Sets `holder[key]` to a copy of `value`, recording every string on the way in `slots`. */
const copyInto = (holder: Holder, key: string | number, value: JsonValue, slots: StringSlot[]) => {
  if (typeof value === 'string') {
    slots.push({ holder, key, text: value, bytes: escapedLength(value) });
    holder[key] = value;
    return;
  }
  if (value === null || typeof value !== 'object') {
    holder[key] = value;
    return;
  }
  // A prototype-free copy, so a `__proto__` key stays a key.
  const copy: JsonValue[] | { [name: string]: JsonValue } = Array.isArray(value)
    ? []
    : Object.create(null);
  holder[key] = copy;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      copyInto(copy as Holder, index, value[index] ?? null, slots);
    }
    return;
  }
  // Own keys with a value only, as the body's encoder writes them.
  for (const name of Object.keys(value)) {
    const item = value[name];
    if (item !== undefined) copyInto(copy as Holder, name, item, slots);
  }
};

/**
 * `changes` with every `old` value dropped (set to `null`, so the wire shape stays the
 * one `StreamMessageWireSchema` and the Python consumers accept), and a copy of the new
 * values whose strings are collected in `slots` for cutting.
 */
const newValuesOnly = (changes: FieldChanges, slots: StringSlot[]): FieldChanges => {
  const shrunk: Record<string, FieldChange> = {};
  for (const field in changes) {
    const change: Holder = { old: null, new: null };
    copyInto(change, 'new', (changes[field] as FieldChange).new, slots);
    shrunk[field] = change as unknown as FieldChange;
  }
  return shrunk;
};

/**
 * Cuts the longest strings first, each to what the remaining excess allows, ending it
 * with {@link TRUNCATION_MARKER}. Returns the bytes still over the limit (0 when it fits).
 */
const cutStrings = (slots: StringSlot[], excess: number): number => {
  slots.sort((left, right) => right.bytes - left.bytes);
  let remaining = excess;
  for (const slot of slots) {
    if (remaining <= 0) break;
    if (slot.bytes <= MARKER_BYTES) continue;
    const keep = escapedPrefixLength(slot.text, Math.max(0, slot.bytes - MARKER_BYTES - remaining));
    const cut = `${slot.text.slice(0, keep)}${TRUNCATION_MARKER}`;
    slot.holder[slot.key] = cut;
    remaining -= slot.bytes - escapedLength(cut);
  }
  return remaining;
};

/**
 * Encodes a message as its queue body, shrunk when it is larger than `maxBytes`: first
 * every `old` value of `changes` is dropped (set to `null`), then, if that is not enough,
 * the longest strings among the new values are cut and end with
 * {@link TRUNCATION_MARKER}. A shrunk body must fit `maxShrunkBytes` instead (room for the
 * attribute that says it was shrunk). `entity_data` and field names are never touched, so
 * a message whose identifiers alone are too large returns `undefined`.
 * @internal
 */
export const fitMessageBody = (
  message: StreamMessage,
  maxBytes: number,
  maxShrunkBytes: number,
): FittedBody | undefined => {
  // Bodies are ASCII (ensure_ascii), so their length is their byte size.
  const body = encodeStreamMessage(message);
  if (body.length <= maxBytes) return { body, truncated: false };
  const slots: StringSlot[] = [];
  const shrunk = { ...message, changes: newValuesOnly(message.changes, slots) };
  const withoutOld = encodeStreamMessage(shrunk);
  if (withoutOld.length <= maxShrunkBytes) return { body: withoutOld, truncated: true };
  if (cutStrings(slots, withoutOld.length - maxShrunkBytes) > 0) return undefined;
  const cut = encodeStreamMessage(shrunk);
  return cut.length <= maxShrunkBytes ? { body: cut, truncated: true } : undefined;
};
