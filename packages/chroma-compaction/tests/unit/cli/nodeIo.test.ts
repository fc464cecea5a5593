import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type NodeProcessLike, nodeIo } from '../../../src/cli/nodeIo.js';

/** A process with in-memory streams, signals emitted by hand, and terminals by choice. */
const fakeProcess = (tty: boolean) => {
  const signals = new EventEmitter();
  const stream = () => Object.assign(new PassThrough(), { isTTY: tty });
  const proc = Object.assign(signals, {
    stdout: stream(),
    stderr: stream(),
    stdin: stream(),
    env: { AWS_REGION: 'eu-west-1' },
  });
  return proc as typeof proc & NodeProcessLike;
};

const written = (stream: PassThrough): string => String(stream.read() ?? '');

describe('nodeIo', () => {
  it("writes to the process's streams and reports their terminals and environment", () => {
    // Prepare
    const proc = fakeProcess(true);
    const io = nodeIo(proc);

    // Act
    io.stdout.write('result\n');
    io.stderr.write('reason\n');

    // Assess
    expect(written(proc.stdout)).toBe('result\n');
    expect(written(proc.stderr)).toBe('reason\n');
    expect([io.stdout.isTTY, io.stderr.isTTY, io.stdinIsTTY]).toEqual([true, true, true]);
    expect(nodeIo(fakeProcess(false)).stdinIsTTY).toBe(false);
    expect(io.env['AWS_REGION']).toBe('eu-west-1');
    expect(io.stdin).toBe(proc.stdin);
  });

  it('asks on stderr and reads the answer from stdin: yes only for y or yes', async () => {
    // Prepare
    const answers: boolean[] = [];
    const prompts: string[] = [];

    // Act
    for (const answer of ['y', ' YES ', 'n', '', 'yep']) {
      const proc = fakeProcess(true);
      const asked = nodeIo(proc).confirm('Break it? [y/N] ');
      proc.stdin.write(`${answer}\n`);
      answers.push(await asked);
      prompts.push(written(proc.stderr));
    }

    // Assess
    expect(answers).toEqual([true, true, false, false, false]);
    for (const prompt of prompts) expect(prompt).toContain('Break it? [y/N] ');
  });

  it('stops on SIGINT or SIGTERM and leaves no listener behind', async () => {
    // Prepare
    const proc = fakeProcess(false);
    const io = nodeIo(proc);

    // Act
    const first = io.waitForStop();
    proc.emit('SIGINT');
    await first;
    const second = io.waitForStop();
    proc.emit('SIGTERM');
    await second;

    // Assess
    expect(proc.listenerCount('SIGINT')).toBe(0);
    expect(proc.listenerCount('SIGTERM')).toBe(0);
  });
});
