import { describe, expect, it } from 'vitest';
import { KeyedMutex } from '../../../../src/adapters/fs/KeyedMutex.js';

const tick = (): Promise<void> => new Promise((done) => setImmediate(done));

describe('Class: KeyedMutex', () => {
  it('runs tasks on one key one at a time, in arrival order', async () => {
    // Prepare
    const mutex = new KeyedMutex();
    const events: string[] = [];
    const task = (name: string) => async (): Promise<string> => {
      events.push(`start ${name}`);
      await tick();
      await tick();
      events.push(`end ${name}`);
      return name;
    };

    // Act
    const results = await Promise.all([
      mutex.run('k', task('a')),
      mutex.run('k', task('b')),
      mutex.run('k', task('c')),
    ]);

    // Assess
    expect(results).toEqual(['a', 'b', 'c']);
    expect(events).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(mutex.size).toBe(0);
  });

  it('runs tasks on different keys concurrently', async () => {
    // Prepare
    const mutex = new KeyedMutex();
    const events: string[] = [];
    const task = (name: string) => async (): Promise<void> => {
      events.push(`start ${name}`);
      await tick();
      events.push(`end ${name}`);
    };

    // Act
    await Promise.all([mutex.run('x', task('x')), mutex.run('y', task('y'))]);

    // Assess
    expect(events.slice(0, 2)).toEqual(['start x', 'start y']);
  });

  it('releases the key when a task fails and passes the error on', async () => {
    // Prepare
    const mutex = new KeyedMutex();

    // Act
    const failed = mutex.run('k', async () => {
      throw new Error('boom');
    });
    const next = mutex.run('k', async () => 'after');

    // Assess
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('after');
    expect(mutex.size).toBe(0);
  });
});
