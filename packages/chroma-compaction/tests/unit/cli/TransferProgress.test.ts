import { describe, expect, it } from 'vitest';
import { TransferProgress } from '../../../src/cli/TransferProgress.js';

/** A progress on a fake clock, writing into a string. */
const progressOn = (isTTY: boolean, enabled = true) => {
  let written = '';
  let now = 1_000;
  const progress = new TransferProgress({
    output: {
      write: (text) => {
        written += text;
      },
      isTTY,
    },
    enabled,
    now: () => now,
  });
  return {
    progress,
    written: () => written,
    tick: (ms: number) => {
      now += ms;
    },
  };
};

describe('TransferProgress', () => {
  it('redraws in place on a terminal, at most every 100 ms, and ends the phase with a newline', () => {
    // Prepare
    const { progress, written, tick } = progressOn(true);
    progress.phase('downloading');
    progress.expect(4096);

    // Act
    progress.add(1024); // too soon after the start: nothing drawn
    tick(150);
    progress.add(1024);
    tick(50);
    progress.add(1024); // too soon after the last draw
    progress.done();

    // Assess
    expect(written()).toBe(
      '\r\u001b[Kdownloading: 2.0 KiB / 4.0 KiB (50%)\r\u001b[Kdownloading: 3.0 KiB / 4.0 KiB (75%)\n',
    );
    expect(progress.bytes).toBe(3072);
  });

  it('writes one line a second elsewhere, and a new phase ends the previous one', () => {
    // Prepare
    const { progress, written, tick } = progressOn(false);
    progress.phase('reading');

    // Act
    tick(1_000);
    progress.add(10);
    tick(500);
    progress.add(10);
    progress.phase('uploading');
    progress.add(5);
    progress.done();
    progress.done();

    // Assess
    expect(written()).toBe('reading: 10 B\nreading: 20 B\nuploading: 5 B\n');
  });

  it('counts without printing when disabled', () => {
    // Prepare
    const { progress, written, tick } = progressOn(true, false);
    progress.phase('downloading');

    // Act
    tick(1_000);
    progress.add(100);
    progress.done();

    // Assess
    expect(written()).toBe('');
    expect(progress.bytes).toBe(100);
  });
});
