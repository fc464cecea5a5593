import { describe, expect, it } from 'vitest';
import { LentBuffers } from '../../../src/archives/LentBuffers.js';

describe('Class: LentBuffers', () => {
  /** Buffers taken from `buffers` and handed on in order, as members inflated into them. */
  const handOn = (buffers: LentBuffers, count: number): Buffer[] =>
    Array.from({ length: count }, () => {
      const buffer = buffers.take();
      buffers.handedOn(buffer);
      return buffer;
    });

  it('frees the buffers before the one a written chunk is in, and only those', () => {
    // Prepare
    const buffers = new LentBuffers(1024);
    const [first, second, third] = handOn(buffers, 3) as [Buffer, Buffer, Buffer];

    // Act
    buffers.written(third.subarray(10, 20));
    const reused = [buffers.take(), buffers.take(), buffers.take()];

    // Assess
    expect(reused.map((buffer) => buffer.buffer)).toEqual(
      expect.arrayContaining([first.buffer, second.buffer]),
    );
    expect(reused.filter((buffer) => buffer.buffer === third.buffer)).toHaveLength(0);
    expect(
      reused.filter((buffer) => buffer.buffer !== first.buffer && buffer.buffer !== second.buffer),
    ).toHaveLength(1);
  });

  it('frees nothing for a chunk of the oldest buffer, or of a buffer of its own', () => {
    // Prepare
    const buffers = new LentBuffers(1024);
    const [first] = handOn(buffers, 2) as [Buffer, Buffer];

    // Act
    buffers.written(first.subarray(0, 5));
    buffers.written(Buffer.allocUnsafeSlow(64));
    const next = buffers.take();

    // Assess
    expect(next.buffer).not.toBe(first.buffer);
  });

  it('forgets the oldest buffer beyond eight handed on, so nothing grows without bound', () => {
    // Prepare
    const buffers = new LentBuffers(1024);
    const handed = handOn(buffers, 12);

    // Act
    buffers.written((handed[11] as Buffer).subarray(0, 1));
    const reused = Array.from({ length: 8 }, () => buffers.take().buffer);

    // Assess: the four oldest were forgotten; the seven before the last come back.
    const expected = handed.slice(4, 11).map((buffer) => buffer.buffer);
    expect(reused.slice(0, 7)).toEqual(expect.arrayContaining(expected));
    expect(expected).not.toContain(reused[7]);
  });

  it('takes back only buffers of its own size', () => {
    // Prepare
    const buffers = new LentBuffers(1024);
    const own = buffers.take();

    // Act
    buffers.give(Buffer.allocUnsafeSlow(10));
    buffers.give(own);

    // Assess
    expect(buffers.take().buffer).toBe(own.buffer);
    expect(buffers.take().length).toBe(1024);
  });
});
