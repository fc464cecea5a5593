import { formatPythonTimestamp } from '@receipt-chroma/dynamo-stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseLockTimestamp, RELEASED_EXPIRES } from '../../../src/locks/lockRules.js';

describe('Function: parseLockTimestamp', () => {
  it('reads back the milliseconds of every timestamp formatPythonTimestamp prints', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -62_135_596_800_000_000n, max: 253_402_300_799_999_999n }),
        (micros) => {
          // Act
          const parsed = parseLockTimestamp(formatPythonTimestamp(micros));

          // Assess
          const floorMillis = micros >= 0n ? micros / 1000n : -((-micros + 999n) / 1000n);
          expect(parsed).toBe(Number(floorMillis));
        },
      ),
    );
  });

  it('reads the released marker as the earliest time', () => {
    // Act
    const parsed = parseLockTimestamp(RELEASED_EXPIRES);

    // Assess
    expect(parsed).toBe(-62_135_596_800_000);
  });

  it.each([
    '2026-01-04T12:00:00.000Z',
    '2026-01-04T12:00:00+00:00',
    '2026-01-04T12:00:00.123456+01:00',
    '2026-01-04 12:00:00.123456+00:00',
    '2026-13-04T12:00:00.123456+00:00',
    '2026-02-29T12:00:00.123456+00:00',
    '2026-01-04T24:00:00.123456+00:00',
    42,
  ])('rejects %s', (text) => {
    // Act & Assess
    expect(parseLockTimestamp(text)).toBeUndefined();
  });
});
