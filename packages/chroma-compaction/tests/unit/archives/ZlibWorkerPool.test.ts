import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { ZlibTaskError, ZlibWorkerPool } from '../../../src/archives/ZlibWorkerPool.js';
import { catchError } from '../../helpers/unpackWorkspace.js';

describe('Class: ZlibWorkerPool', () => {
  let pool = new ZlibWorkerPool(2);
  afterEach(async () => {
    await pool.close();
    pool = new ZlibWorkerPool(2);
  });

  it('gzips buffers into members that gunzip to the input, in any number at once', async () => {
    // Prepare
    const inputs = Array.from({ length: 5 }, (_, i) => Buffer.alloc(50_000 + i, i));

    // Act
    const results = await Promise.all(
      inputs.map((input) => pool.run({ op: 'gzip', input: Buffer.from(input), level: 6 })),
    );

    // Assess
    results.forEach((result, i) => {
      expect(gunzipSync(result.data).equals(inputs[i] as Buffer)).toBe(true);
    });
  });

  it('gunzips a member and reports the input bytes it consumed', async () => {
    // Prepare
    const member = gzipSync('hello snapshot');
    const input = Buffer.concat([member, Buffer.alloc(3)]);

    // Act
    const result = await pool.run({ op: 'gunzip', input, maxOutput: 100 });

    // Assess
    expect(result.data.toString()).toBe('hello snapshot');
    expect(result.consumed).toBe(member.length);
  });

  it.each([
    ['bytes that are not gzip', Buffer.from('not gzip at all'), 100, 'Z_DATA_ERROR'],
    ['a member larger than maxOutput', gzipSync(Buffer.alloc(1000)), 999, 'ERR_BUFFER_TOO_LARGE'],
  ])('rejects %s with zlib code', async (_label, input, maxOutput, code) => {
    // Act
    const error = await catchError(pool.run({ op: 'gunzip', input, maxOutput }));

    // Assess
    expect(error).toBeInstanceOf(ZlibTaskError);
    expect((error as ZlibTaskError).code).toBe(code);
  });

  it('rejects tasks still queued when closed, and any task after', async () => {
    // Prepare
    const inputs = Array.from({ length: 4 }, () => Buffer.alloc(4 * 1024 * 1024, 1));
    const running = Promise.allSettled(
      inputs.map((input) => pool.run({ op: 'gzip', input, level: 9 })),
    );

    // Act
    await pool.close();
    const settled = await running;
    const after = await catchError(pool.run({ op: 'gzip', input: Buffer.alloc(1), level: 6 }));

    // Assess
    expect(settled.every((result) => result.status === 'rejected')).toBe(true);
    expect((after as Error).message).toBe('zlib worker pool closed');
  });
});
