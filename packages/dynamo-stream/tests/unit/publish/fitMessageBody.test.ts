import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../../src/messages/types.js';
import { decodeStreamMessage, encodeStreamMessage } from '../../../src/messages/wire.js';
import { fitMessageBody, TRUNCATION_MARKER } from '../../../src/publish/fitMessageBody.js';
import { cjkText, wordLabelMessage } from '../../helpers/factories.js';

describe('Function: fitMessageBody', () => {
  it('returns the body unchanged when it fits', () => {
    // Prepare
    const message = wordLabelMessage();
    const body = encodeStreamMessage(message);

    // Act
    const fitted = fitMessageBody(message, body.length, body.length);

    // Assess
    expect(fitted).toEqual({ body, truncated: false });
  });

  it('drops the old values first, keeping every new value whole', () => {
    // Prepare
    const message = wordLabelMessage({
      changes: {
        reasoning: { old: cjkText(2_000, 0), new: cjkText(2_000, 1) },
        validation_status: { old: 'PENDING', new: 'VALID' },
      },
    });
    const limit = encodeStreamMessage(message).length - 1;

    // Act
    const fitted = fitMessageBody(message, limit, limit);

    // Assess
    expect(fitted?.truncated).toBe(true);
    expect(fitted?.body.length).toBeLessThanOrEqual(limit);
    expect(decodeStreamMessage(fitted?.body ?? '').changes).toEqual({
      reasoning: { old: null, new: cjkText(2_000, 1) },
      validation_status: { old: null, new: 'VALID' },
    });
    expect(message.changes['reasoning']?.old).toBe(cjkText(2_000, 0));
  });

  it('then cuts the longest new strings, marking each cut, to fit within the limit', () => {
    // Prepare
    const message = wordLabelMessage({
      changes: {
        reasoning: { old: null, new: cjkText(5_000) },
        nested: { old: null, new: { notes: ['short', 'x'.repeat(3_000)] } },
      },
    });
    const limit = 20_000;

    // Act
    const fitted = fitMessageBody(message, limit + 100, limit);

    // Assess
    expect(fitted?.truncated).toBe(true);
    const body = fitted?.body ?? '';
    expect(body.length).toBeLessThanOrEqual(limit);
    expect(body.length).toBeGreaterThan(limit - 10);
    const { changes } = decodeStreamMessage(body);
    const reasoning = String(changes['reasoning']?.new);
    expect(reasoning.slice(-TRUNCATION_MARKER.length)).toBe(TRUNCATION_MARKER);
    const kept = reasoning.slice(0, -TRUNCATION_MARKER.length);
    expect(cjkText(5_000).slice(0, kept.length)).toBe(kept);
    expect(changes['nested']?.new).toEqual({ notes: ['short', 'x'.repeat(3_000)] });
  });

  it('cuts strings made of surrogate pairs at a character boundary', () => {
    // Prepare
    const message = wordLabelMessage({ changes: { note: { old: null, new: '😀'.repeat(2_000) } } });

    // Act
    const fitted = fitMessageBody(message, 5_001, 5_001);

    // Assess
    const note = String(decodeStreamMessage(fitted?.body ?? '').changes['note']?.new);
    expect(note.slice(-TRUNCATION_MARKER.length)).toBe(TRUNCATION_MARKER);
    expect(note.slice(0, -TRUNCATION_MARKER.length)).toMatch(/^(?:😀)+$/u);
  });

  it('keeps a __proto__ key of a new value as a key', () => {
    // Prepare: JSON.parse makes `__proto__` an own key, as a stream image's map would
    const value = JSON.parse(`{"__proto__": "kept", "text": "${'x'.repeat(5_000)}"}`);
    const message = wordLabelMessage({ changes: { note: { old: null, new: value } } });

    // Act
    const fitted = fitMessageBody(message, 2_000, 2_000);

    // Assess
    // Read with JSON.parse: the wire schema's zod parse drops `__proto__` keys itself.
    const note = JSON.parse(fitted?.body ?? '{}').changes.note.new;
    expect(Object.getOwnPropertyDescriptor(note, '__proto__')?.value).toBe('kept');
    expect(String(note['text']).slice(-TRUNCATION_MARKER.length)).toBe(TRUNCATION_MARKER);
  });

  it('gives up when the identifiers alone are too large', () => {
    // Prepare
    const message = wordLabelMessage({ entityData: { note: 'x'.repeat(10_000) } });

    // Act & Assess
    expect(fitMessageBody(message, 5_000, 5_000)).toBeUndefined();
  });

  it('copies numbers, booleans, nulls and array holes of the new values unchanged', () => {
    // Prepare
    // biome-ignore lint/suspicious/noSparseArray: a hole encodes as null, as in the body
    const list = [1, , 'x'.repeat(3_000)] as unknown as JsonValue;
    const message = wordLabelMessage({
      changes: {
        count: { old: 1, new: 2 },
        flag: { old: false, new: true },
        gone: { old: 'x', new: null },
        list: { old: null, new: list },
      },
    });

    // Act
    const fitted = fitMessageBody(message, 1_000, 1_000);

    // Assess
    expect(fitted?.truncated).toBe(true);
    const { changes } = decodeStreamMessage(fitted?.body ?? '');
    expect(changes['count']).toEqual({ old: null, new: 2 });
    expect(changes['flag']).toEqual({ old: null, new: true });
    expect(changes['gone']).toEqual({ old: null, new: null });
    const [first, hole, text] = (changes['list']?.new ?? []) as JsonValue[];
    expect([first, hole]).toEqual([1, null]);
    expect(String(text).endsWith(TRUNCATION_MARKER)).toBe(true);
  });

  it('leaves out keys whose value is undefined, as the unshrunk body does', () => {
    // Prepare
    const value = { kept: 'x'.repeat(3_000), missing: undefined } as unknown as JsonValue;
    const message = wordLabelMessage({ changes: { note: { old: 'y'.repeat(100), new: value } } });
    const limit = encodeStreamMessage(message).length - 1;

    // Act
    const fitted = fitMessageBody(message, limit, limit);

    // Assess
    expect(fitted?.truncated).toBe(true);
    const note = JSON.parse(fitted?.body ?? '{}').changes.note;
    expect(note).toEqual({ old: null, new: { kept: 'x'.repeat(3_000) } });
    expect(Object.keys(note.new)).toEqual(['kept']);
  });
});
