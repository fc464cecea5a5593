import { describe, expect, it } from 'vitest';
import { MessageDecodeError } from '../../../src/errors.js';
import {
  decodeStreamMessage,
  encodeStreamMessage,
  StreamMessageWireSchema,
  safeDecodeStreamMessage,
  toWireMessage,
} from '../../../src/messages/wire.js';
import {
  PLACE_MESSAGE_BODY,
  placeMessage,
  WIRE_IMAGE_ID,
  wordLabelMessage,
} from '../../helpers/factories.js';

describe('Function: toWireMessage', () => {
  it('maps the message to the §9 fields in the Python key order, without routing or snapshot', () => {
    // Prepare
    const message = placeMessage();

    // Act
    const wire = toWireMessage(message);

    // Assess
    expect(Object.keys(wire)).toEqual([
      'source',
      'entity_type',
      'entity_data',
      'changes',
      'event_name',
      'timestamp',
      'stream_record_id',
      'aws_region',
    ]);
    expect(wire).toEqual({
      source: 'dynamodb_stream',
      entity_type: 'RECEIPT_PLACE',
      entity_data: { entity_type: 'RECEIPT_PLACE', image_id: WIRE_IMAGE_ID, receipt_id: 1 },
      changes: {
        merchant_name: { old: '30740 Russell Ranch Rd (Westlake Village)', new: 'Target' },
      },
      event_name: 'MODIFY',
      timestamp: '2026-01-04T12:34:56.123456+00:00',
      stream_record_id: '16a9dd5e2f0213450b6df980241160f0',
      aws_region: 'us-east-1',
    });
  });
});

describe('Function: encodeStreamMessage', () => {
  it('writes the spec §9 example byte for byte as Python json.dumps does', () => {
    // Act
    const body = encodeStreamMessage(placeMessage());

    // Assess
    expect(body).toBe(PLACE_MESSAGE_BODY);
  });

  it('writes a compaction-run message with null prefixes and empty changes like Python', () => {
    // Prepare
    const message = {
      ...placeMessage(),
      entityType: 'COMPACTION_RUN',
      entityData: {
        run_id: 'r1',
        image_id: WIRE_IMAGE_ID,
        receipt_id: 3,
        lines_delta_prefix: 'lines/delta/r1/',
        words_delta_prefix: null,
        delta_s3_prefix: 'lines/delta/r1/',
      } as never,
      changes: {},
      eventName: 'INSERT',
      context: { source: 'dynamodb_stream', timestamp: null, recordId: 'e1', awsRegion: 'None' },
    };

    // Act
    const body = encodeStreamMessage(message);

    // Assess
    expect(body).toBe(
      '{"source": "dynamodb_stream", "entity_type": "COMPACTION_RUN", "entity_data": ' +
        `{"run_id": "r1", "image_id": "${WIRE_IMAGE_ID}", "receipt_id": 3, ` +
        '"lines_delta_prefix": "lines/delta/r1/", "words_delta_prefix": null, ' +
        '"delta_s3_prefix": "lines/delta/r1/"}, "changes": {}, "event_name": "INSERT", ' +
        '"timestamp": null, "stream_record_id": "e1", "aws_region": "None"}',
    );
  });

  it('escapes non-ASCII labels and list values in changes', () => {
    // Prepare
    const message = wordLabelMessage({
      label: 'CAFÉ',
      changes: { line_ids: { old: [1, 2], new: [1, 2, 3] }, note: { old: null, new: '☕' } },
    });

    // Act
    const body = encodeStreamMessage(message);

    // Assess
    expect(body).toContain('"label": "CAF\\u00c9"');
    expect(body).toContain(
      '"changes": {"line_ids": {"old": [1, 2], "new": [1, 2, 3]}, "note": {"old": null, "new": "\\u2615"}}',
    );
  });
});

describe('Function: decodeStreamMessage', () => {
  it('decodes the spec §9 example body into the camelCase message', () => {
    // Prepare
    const { collections: _collections, recordSnapshot: _snapshot, ...expected } = placeMessage();

    // Act
    const message = decodeStreamMessage(PLACE_MESSAGE_BODY);

    // Assess
    expect(message).toEqual(expected);
    expect(message.context.recordId).toBe('16a9dd5e2f0213450b6df980241160f0');
  });

  it('round-trips an encoded message', () => {
    // Prepare
    const original = wordLabelMessage({ label: 'ÜBER 😀', eventName: 'REMOVE' });
    const { collections: _collections, ...expected } = original;

    // Act
    const decoded = decodeStreamMessage(encodeStreamMessage(original));

    // Assess
    expect(decoded).toEqual(expected);
  });

  it('keeps unknown entity_data keys and drops unknown top-level keys', () => {
    // Prepare
    const body = JSON.stringify({
      ...JSON.parse(PLACE_MESSAGE_BODY),
      record_snapshot: { a: 1 },
      entity_data: { image_id: WIRE_IMAGE_ID, receipt_id: 1, extra: { x: [1] } },
    });

    // Act
    const message = decodeStreamMessage(body);

    // Assess
    expect(message).not.toHaveProperty('record_snapshot');
    expect(message.entityData).toEqual({
      entity_type: 'RECEIPT_PLACE',
      image_id: WIRE_IMAGE_ID,
      receipt_id: 1,
      extra: { x: [1] },
    });
  });

  it('throws MessageDecodeError when the body is not JSON', () => {
    // Act & Assess
    expect(() => decodeStreamMessage('{"source": ')).toThrow(MessageDecodeError);
    expect(() => decodeStreamMessage('not json')).toThrow(/Message body is not valid JSON/);
  });

  it('names every wrong field', () => {
    // Prepare
    const wire = JSON.parse(PLACE_MESSAGE_BODY);
    wire.entity_data.receipt_id = '1';
    delete wire.event_name;
    wire.changes.merchant_name = { old: 'a' };
    wire.timestamp = 5;

    // Act
    let error: unknown;
    try {
      decodeStreamMessage(JSON.stringify(wire));
    } catch (caught) {
      error = caught;
    }

    // Assess
    expect(error).toBeInstanceOf(MessageDecodeError);
    const paths = (error as MessageDecodeError).issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining([
        'entity_data.receipt_id',
        'event_name',
        'changes.merchant_name.new',
        'timestamp',
      ]),
    );
    expect((error as Error).message).toMatch(/does not match.*entity_data\.receipt_id/);
  });

  it('rejects a body that is JSON but not an object, and a non-integer receipt id', () => {
    // Prepare
    const fractional = JSON.parse(PLACE_MESSAGE_BODY);
    fractional.entity_data.receipt_id = 1.5;

    // Act
    const array = safeDecodeStreamMessage('[]');
    const float = safeDecodeStreamMessage(JSON.stringify(fractional));

    // Assess
    expect(array).toMatchObject({ success: false });
    expect(float).toMatchObject({ success: false });
  });
});

describe('Function: safeDecodeStreamMessage', () => {
  it('returns the data on success', () => {
    // Act
    const result = safeDecodeStreamMessage(PLACE_MESSAGE_BODY);

    // Assess
    expect(result).toMatchObject({ success: true });
    expect(result.success && result.data.entityType).toBe('RECEIPT_PLACE');
  });

  it('returns the error instead of throwing', () => {
    // Act
    const result = safeDecodeStreamMessage('{"source": "dynamodb_stream"}');

    // Assess
    expect(result).toMatchObject({ success: false });
    if (!result.success) {
      expect(result.error).toBeInstanceOf(MessageDecodeError);
      expect(result.error.issues.map((issue) => issue.path[0])).toEqual(
        expect.arrayContaining(['entity_type', 'entity_data', 'changes', 'stream_record_id']),
      );
    }
  });

  it('returns the error for a change value nested deeper than the stack, instead of throwing', () => {
    // Prepare: JSON.parse takes any depth; validating `changes` used to overflow the stack
    const depth = 100_000;
    const wire = JSON.parse(PLACE_MESSAGE_BODY);
    wire.changes.merchant_name = { old: 'a', new: 'b' };
    const body = JSON.stringify(wire).replace(
      '"old":"a"',
      `"old":${'['.repeat(depth)}${']'.repeat(depth)}`,
    );

    // Act
    const result = safeDecodeStreamMessage(body);

    // Assess
    expect(result).toMatchObject({ success: false });
    if (!result.success) {
      expect(result.error).toBeInstanceOf(MessageDecodeError);
      expect(result.error.message).toMatch(/^Message body could not be validated \(.+\)$/);
      expect(result.error.cause).toBeInstanceOf(RangeError);
    }
    expect(() => decodeStreamMessage(body)).toThrow(MessageDecodeError);
  });
});

describe('Schema: StreamMessageWireSchema', () => {
  it('accepts null context fields and rejects a missing one', () => {
    // Prepare
    const wire = { ...JSON.parse(PLACE_MESSAGE_BODY), timestamp: null, aws_region: null };
    const { stream_record_id: _id, ...missing } = wire;

    // Act
    const accepted = StreamMessageWireSchema.safeParse(wire);
    const rejected = StreamMessageWireSchema.safeParse(missing);

    // Assess
    expect(accepted).toMatchObject({ success: true });
    expect(rejected).toMatchObject({ success: false });
  });
});
