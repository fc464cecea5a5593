/**
 * The duplicate-id check of `readDelta` in 24 to 48 bytes a record. A `Set` of the id
 * strings took about 300 bytes of heap a record (the string, the set's entry, its rehashes
 * and the heap's slack): 23 MiB of peak RSS for a delta of 80,000 lines, growing with the
 * delta. This table keeps a 53-bit fingerprint and the record's index instead; equal
 * fingerprints only name candidates, which the caller compares by their ids, so the check
 * stays exact.
 * @internal
 * @packageDocumentation
 */

/** A string's fingerprint: 53 bits of `cyrb53` (two 32-bit multiply-xor lanes). @internal */
export const idFingerprint = (id: string): number => {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let index = 0; index < id.length; index += 1) {
    const code = id.charCodeAt(index);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
};

const INITIAL_SLOTS = 1024;
const NONE: readonly number[] = Object.freeze([]);

/**
 * Fingerprints of the ids seen so far, in an open-addressing table (linear probing, at most
 * half full) of typed arrays.
 * @internal
 */
export class IdFingerprints {
  readonly #fingerprint: (id: string) => number;
  #fingerprints = new Float64Array(INITIAL_SLOTS);
  /** The record index + 1 in each slot; 0 marks an empty slot. */
  #records = new Uint32Array(INITIAL_SLOTS);
  #size = 0;

  /** @param fingerprint - The fingerprint function (tests pass one that collides). */
  constructor(fingerprint: (id: string) => number = idFingerprint) {
    this.#fingerprint = fingerprint;
  }

  /** Ids added so far. */
  get size(): number {
    return this.#size;
  }

  /**
   * Adds the id of record `index` and returns the indexes of the earlier records whose id
   * has the same fingerprint: none when the id is new; otherwise compare their ids (a
   * fingerprint can be shared by two different ids).
   */
  add(id: string, index: number): readonly number[] {
    if ((this.#size + 1) * 2 > this.#records.length) this.#grow();
    const fingerprint = this.#fingerprint(id);
    const mask = this.#records.length - 1;
    let matches: readonly number[] = NONE;
    let slot = (fingerprint >>> 0) & mask;
    for (let record = this.#records[slot]; record !== 0; record = this.#records[slot]) {
      if (this.#fingerprints[slot] === fingerprint) matches = [...matches, (record as number) - 1];
      slot = (slot + 1) & mask;
    }
    this.#fingerprints[slot] = fingerprint;
    this.#records[slot] = index + 1;
    this.#size += 1;
    return matches;
  }

  #grow(): void {
    const fingerprints = this.#fingerprints;
    const records = this.#records;
    this.#fingerprints = new Float64Array(records.length * 2);
    this.#records = new Uint32Array(records.length * 2);
    const mask = this.#records.length - 1;
    for (let old = 0; old < records.length; old += 1) {
      const record = records[old] as number;
      if (record === 0) continue;
      const fingerprint = fingerprints[old] as number;
      let slot = (fingerprint >>> 0) & mask;
      while (this.#records[slot] !== 0) slot = (slot + 1) & mask;
      this.#fingerprints[slot] = fingerprint;
      this.#records[slot] = record;
    }
  }
}
