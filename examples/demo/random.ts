/**
 * A seeded pseudo-random source: the same seed gives the same receipts, embeddings and
 * edits on every machine, so the demo's output (ids, counts, neighbours) is reproducible.
 */
export class SeededRandom {
  #state: number;

  /** @param seed - any integer */
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in `[0, 1)` (xorshift-multiply over a Weyl sequence). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let value = this.#state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 2 ** 32;
  }

  /** An integer in `[min, max]`. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** A normally distributed value (Box–Muller), mean 0 and standard deviation 1. */
  gaussian(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** One item of a non-empty list. */
  pick<Item>(items: readonly Item[]): Item {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new RangeError('pick needs a non-empty list');
    return item;
  }

  /** A version 4 UUID made of this source's digits (the table's image ids must be UUIDs). */
  uuid(): string {
    const digits = Array.from({ length: 32 }, () => this.int(0, 15).toString(16));
    digits[12] = '4';
    digits[16] = this.pick(['8', '9', 'a', 'b']);
    const hex = digits.join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
}

/** A 32-bit FNV-1a hash of a string: the seed of a text's base vector. */
export const hashText = (text: string): number => {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  }
  return hash;
};
