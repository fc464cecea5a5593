import { describe, expect, it } from 'vitest';
import { IdFingerprints, idFingerprint } from '../../../src/deltas/IdFingerprints.js';
import { lineChromaId } from '../../../src/ids/chromaIds.js';

const IMAGE = '3f52804b-2fad-4e00-92c8-b593da3a8ed3';
const id = (lineId: number): string => lineChromaId({ imageId: IMAGE, receiptId: 1, lineId });

describe('Class: IdFingerprints', () => {
  it('names no earlier record for ids seen once, past several growths of the table', () => {
    // Prepare
    const ids = new IdFingerprints();

    // Act
    const candidates = Array.from({ length: 5000 }, (_, index) => ids.add(id(index), index));

    // Assess
    expect(candidates.filter((found) => found.length > 0)).toEqual([]);
    expect(ids.size).toBe(5000);
  });

  it('names the earlier record of a repeated id', () => {
    // Prepare
    const ids = new IdFingerprints();
    for (let index = 0; index < 3000; index += 1) ids.add(id(index), index);

    // Act
    const candidates = ids.add(id(1234), 3000);

    // Assess
    expect(candidates).toEqual([1234]);
  });

  it('names every earlier record that shares the fingerprint, for the caller to compare', () => {
    // Prepare
    const ids = new IdFingerprints(() => 7);
    ids.add(id(1), 0);
    ids.add(id(2), 1);

    // Act
    const candidates = ids.add(id(3), 2);

    // Assess
    expect([...candidates].sort()).toEqual([0, 1]);
  });
});

describe('Function: idFingerprint', () => {
  it('gives the same fingerprint for the same id and different ones for neighbouring ids', () => {
    // Act
    const fingerprints = new Set(
      Array.from({ length: 1000 }, (_, index) => idFingerprint(id(index))),
    );

    // Assess
    expect(fingerprints.size).toBe(1000);
    expect(idFingerprint(id(5))).toBe(idFingerprint(`${id(5)}`));
    expect(idFingerprint(id(5))).toSatisfy(Number.isSafeInteger);
  });
});
