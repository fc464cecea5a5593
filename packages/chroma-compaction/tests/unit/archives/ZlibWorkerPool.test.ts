import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { ZlibTaskError } from '../../../src/archives/errors.js';
import { ZLIB_WORKER_SOURCE, ZlibWorkerPool } from '../../../src/archives/ZlibWorkerPool.js';
import { firstDifference } from '../../helpers/bytes.js';
import { catchError } from '../../helpers/unpackWorkspace.js';

/** A buffer of its own to lend as a task's output. */
const lent = (bytes = 1024 * 1024): Buffer => Buffer.allocUnsafeSlow(bytes);

/** Bytes that compress, but not to nothing. */
const sample = (bytes: number, seed = 1): Buffer =>
  Buffer.from(Array.from({ length: bytes }, (_, i) => ((i * seed) % 251) ^ (i >>> 9)));

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
      inputs.map((input) =>
        pool.run({ op: 'gzip', input: Buffer.from(input), level: 6, output: lent() }),
      ),
    );

    // Assess
    results.forEach((result, i) => {
      expect(firstDifference(gunzipSync(result.data), inputs[i] as Buffer)).toBeUndefined();
    });
  });

  it('gunzips a member and reports the input bytes it consumed', async () => {
    // Prepare
    const member = gzipSync('hello snapshot');
    const input = Buffer.concat([member, Buffer.alloc(3)]);

    // Act
    const result = await pool.run({ op: 'gunzip', input, maxOutput: 100, output: lent(101) });

    // Assess
    expect(result.data.toString()).toBe('hello snapshot');
    expect(result.consumed).toBe(member.length);
  });

  it('writes into the lent buffer and hands both buffers back, allocating no output', async () => {
    // Prepare
    const input = sample(300_000);
    const member = gzipSync(input, { level: 6 });

    // Act
    const packed = await pool.run({
      op: 'gzip',
      input: Buffer.from(input),
      level: 6,
      output: lent(),
    });
    const unpacked = await pool.run({
      op: 'gunzip',
      input: Buffer.from(member),
      maxOutput: input.length,
      output: lent(input.length + 1),
    });

    // Assess
    expect(firstDifference(packed.data, member)).toBeUndefined();
    expect(packed.data.buffer).toBe(packed.output.buffer);
    expect(packed.output.length).toBe(1024 * 1024);
    expect(packed.input.length).toBe(input.length);
    expect(firstDifference(unpacked.data, input)).toBeUndefined();
    expect(unpacked.data.buffer).toBe(unpacked.output.buffer);
    expect(unpacked.consumed).toBe(member.length);
  });

  it('hands back output that does not fit the lent buffer as a buffer of its own', async () => {
    // Prepare
    const input = randomBytes(200_000);

    // Act
    const result = await pool.run({
      op: 'gzip',
      input: Buffer.from(input),
      level: 1,
      output: lent(65_536),
    });

    // Assess
    expect(result.data.length).toBeGreaterThan(65_536);
    expect(result.data.buffer).not.toBe(result.output.buffer);
    expect(firstDifference(gunzipSync(result.data), input)).toBeUndefined();
  });

  it.each([
    ['bytes that are not gzip', Buffer.from('not gzip at all'), 100, 'Z_DATA_ERROR'],
    ['a member larger than maxOutput', gzipSync(Buffer.alloc(1000)), 999, 'ERR_BUFFER_TOO_LARGE'],
  ])('rejects %s with zlib code', async (_label, input, maxOutput, code) => {
    // Act
    const error = await catchError(
      pool.run({ op: 'gunzip', input, maxOutput, output: lent(maxOutput + 1) }),
    );

    // Assess
    expect(error).toBeInstanceOf(ZlibTaskError);
    expect((error as ZlibTaskError).code).toBe(code);
  });

  it('rejects tasks still queued when closed, and any task after', async () => {
    // Prepare
    const inputs = Array.from({ length: 4 }, () => Buffer.alloc(4 * 1024 * 1024, 1));
    const running = Promise.allSettled(
      inputs.map((input) => pool.run({ op: 'gzip', input, level: 9, output: lent() })),
    );

    // Act
    await pool.close();
    const settled = await running;
    const after = await catchError(
      pool.run({ op: 'gzip', input: Buffer.alloc(1), level: 6, output: lent() }),
    );

    // Assess
    expect(settled.map(({ status }) => status)).toEqual(inputs.map(() => 'rejected'));
    expect((after as Error).message).toBe('zlib worker pool closed');
  });
});

describe('Worker script: ZLIB_WORKER_SOURCE without the zlib internals it lends buffers through', () => {
  /** Runs one task in a worker whose zlib engines lack `_processChunk`, as a future Node might. */
  const runStripped = (task: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const strip = `{
      let proto = require('node:zlib').Gzip.prototype;
      while (!Object.hasOwn(proto, '_processChunk')) proto = Object.getPrototypeOf(proto);
      delete proto._processChunk;
    }\n`;
    const worker = new Worker(strip + ZLIB_WORKER_SOURCE, { eval: true });
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.postMessage({ id: 1, ...task });
    }).finally(() => worker.terminate());
  };

  it('falls back to the public calls and still answers in the lent buffer', async () => {
    // Prepare
    const input = sample(100_000, 3);
    const member = gzipSync(input, { level: 6 });

    // Act
    const packed = await runStripped({ op: 'gzip', input, level: 6, output: lent() });
    const unpacked = await runStripped({
      op: 'gunzip',
      input: member,
      maxOutput: input.length,
      output: lent(input.length + 1),
    });
    const tooLarge = await runStripped({
      op: 'gunzip',
      input: member,
      maxOutput: input.length - 1,
      output: lent(input.length),
    });

    // Assess
    const packedData = packed['data'] as Uint8Array;
    expect(firstDifference(packedData, member)).toBeUndefined();
    expect(packedData.buffer).toBe((packed['output'] as Uint8Array).buffer);
    const unpackedData = unpacked['data'] as Uint8Array;
    expect(firstDifference(unpackedData, input)).toBeUndefined();
    expect(unpackedData.buffer).toBe((unpacked['output'] as Uint8Array).buffer);
    expect(unpacked['consumed']).toBe(member.length);
    expect(tooLarge['error']).toMatchObject({ code: 'ERR_BUFFER_TOO_LARGE' });
  });
});
