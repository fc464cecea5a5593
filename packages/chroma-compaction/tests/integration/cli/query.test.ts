import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startLocalChroma } from '../../../src/adapters/chroma/startLocalChroma.js';
import { lineChromaId } from '../../../src/ids/chromaIds.js';
import { runReceiptChroma } from '../../helpers/cliRun.js';
import { useTempRoot } from '../../helpers/snapshotTrees.js';
import { chromaCommand } from '../helpers/localChroma.js';

const IMAGE_ID = '3f52804b-2fad-4e00-92c8-b593da3a8ed3';
const id = (lineId: number): string => lineChromaId({ imageId: IMAGE_ID, receiptId: 1, lineId });

/** Writes a persist directory whose `lines` hold five records along one axis. */
const writeSnapshot = async (path: string): Promise<void> => {
  const chroma = await startLocalChroma({ path, command: chromaCommand() });
  try {
    const lines = await chroma.client.createCollection({ name: 'lines', embeddingFunction: null });
    await lines.add({
      ids: [1, 2, 3, 4, 5].map(id),
      embeddings: [0, 1, 3, 7, 15].map((x) => [x, 0, 1]),
      documents: ['TOTAL 4.20', 'SUBTOTAL 4.00', 'TAX 0.20', 'CASH 5.00', 'CHANGE 0.80'],
    });
  } finally {
    await chroma.stop();
  }
};

describe('receipt-chroma query (a real local Chroma)', () => {
  const temp = useTempRoot('cli-query-');
  const chroma = { command: chromaCommand(), startupTimeoutMs: 60_000 };

  it('prints the nearest neighbours of a record of a pushed and pulled snapshot', async () => {
    // Prepare: the operator's path, a persist directory pushed to a store and pulled back
    const persist = join(temp.root, 'persist');
    await writeSnapshot(persist);
    const store = join(temp.root, 'store');
    const pulled = join(temp.root, 'pulled');
    await runReceiptChroma(`snapshot push lines --dir ${persist} --root ${store} --no-lock`);
    await runReceiptChroma(`snapshot pull lines --root ${store} --dest ${pulled}`);

    // Act
    const table = await runReceiptChroma(['query', 'lines', id(2), '--dir', pulled, '-n', '2'], {
      chroma,
    });
    const json = await runReceiptChroma(['query', 'lines', id(1), '--dir', pulled, '--json'], {
      chroma,
    });

    // Assess
    expect(table.stderr).toBe('');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(
      new RegExp(`^record:\\s+${id(2)}\\ndocument:\\s+SUBTOTAL 4.00\\n`),
    );
    const rows = table.stdout.trimEnd().split('\n').slice(-2);
    expect(rows).toEqual([
      expect.stringMatching(new RegExp(`^1  ${id(1)}\\s+1\\.0000  TOTAL 4\\.20$`)),
      expect.stringMatching(new RegExp(`^2  ${id(3)}\\s+4\\.0000  TAX 0\\.20$`)),
    ]);
    const neighbours = json.json<{ neighbours: { id: string; distance: number }[] }>().neighbours;
    expect(neighbours.map((neighbour) => [neighbour.id, neighbour.distance])).toEqual([
      [id(2), 1],
      [id(3), 9],
      [id(4), 49],
      [id(5), 225],
    ]);
  });

  it('fails with one line for a record or a collection the snapshot lacks', async () => {
    // Prepare
    const persist = join(temp.root, 'persist');
    await writeSnapshot(persist);

    // Act
    const missingRecord = await runReceiptChroma(['query', 'lines', id(9), '--dir', persist], {
      chroma,
    });
    const missingCollection = await runReceiptChroma(
      ['query', 'words', `${id(1)}#WORD#00001`, '--dir', persist],
      { chroma },
    );

    // Assess
    expect(missingRecord).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `receipt-chroma: no record "${id(9)}" in lines at ${persist}\n`,
    });
    expect(missingCollection).toMatchObject({
      code: 1,
      stderr: `receipt-chroma: ${persist} has no collection "words"\n`,
    });
  });

  it('prints - for a record stored without a document, and says when it has no neighbours', async () => {
    // Prepare: a collection of one record, stored without document or metadata
    const persist = join(temp.root, 'persist');
    const server = await startLocalChroma({ path: persist, command: chromaCommand() });
    try {
      const lines = await server.client.createCollection({
        name: 'lines',
        embeddingFunction: null,
      });
      await lines.add({ ids: [id(1)], embeddings: [[1, 0, 1]] });
    } finally {
      await server.stop();
    }

    // Act
    const table = await runReceiptChroma(['query', 'lines', id(1), '--dir', persist], { chroma });
    const json = await runReceiptChroma(['query', 'lines', id(1), '--dir', persist, '--json'], {
      chroma,
    });

    // Assess
    expect(table).toMatchObject({
      code: 0,
      stdout: `record:    ${id(1)}\ndocument:  -\n\nNo other records.\n`,
      stderr: '',
    });
    expect(json.json()).toEqual({
      collection: 'lines',
      dir: persist,
      id: id(1),
      document: null,
      neighbours: [],
    });
  });
});
