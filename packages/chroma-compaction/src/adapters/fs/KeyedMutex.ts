/**
 * Runs tasks one at a time per key, in arrival order; tasks on different keys run
 * concurrently. Only coordinates callers in this process (one JavaScript realm).
 * @internal
 */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<void>>();

  /** How many keys have a task running or waiting (for tests). */
  get size(): number {
    return this.#tails.size;
  }

  /**
   * Waits for the tasks queued on `key` before this call, then runs `task`.
   * @param key - what to serialize on
   * @param task - the critical section; its result or error is passed through
   */
  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    let release: () => void = () => {};
    const current = new Promise<void>((done) => {
      release = done;
    });
    const tail = previous.then(() => current);
    this.#tails.set(key, tail);
    await previous;
    try {
      return await task();
    } finally {
      release();
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}
