import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileSystemObjectStore } from '../../../src/adapters/fs/FileSystemObjectStore.js';
import { wordChromaId } from '../../../src/ids/chromaIds.js';
import { runReceiptChroma } from '../../helpers/cliRun.js';
import { useTempRoot } from '../../helpers/snapshotTrees.js';
import { chromaCommand } from '../helpers/localChroma.js';
import { putPythonTarball, writePersistDirectory } from '../helpers/pythonEraDeltas.js';

const IMAGE_ID = '3f52804b-2fad-4e00-92c8-b593da3a8ed3';

describe('receipt-chroma delta on a Python-era delta (a real local Chroma)', () => {
  const temp = useTempRoot('cli-python-delta-');

  it('inspect names the layout; verify --python reads every record through a local Chroma', async () => {
    // Prepare
    const persist = join(temp.root, 'persist');
    await writePersistDirectory(persist, {
      collection: 'words',
      records: [1, 2, 3].map((wordId) => ({
        id: wordChromaId({ imageId: IMAGE_ID, receiptId: 1, lineId: 1, wordId }),
        embedding: [wordId, 0.5, 0.25],
        document: `w${wordId}`,
        metadata: { text: `w${wordId}` },
      })),
    });
    const root = join(temp.root, 'store');
    await putPythonTarball(new FileSystemObjectStore({ root }), 'words/delta/old/', persist);
    const chroma = { command: chromaCommand(), startupTimeoutMs: 60_000 };

    // Act
    const inspected = await runReceiptChroma(`delta inspect words/delta/old --root ${root} --json`);
    const portableOnly = await runReceiptChroma(`delta verify words/delta/old --root ${root}`);
    const verified = await runReceiptChroma(
      `delta verify words/delta/old --root ${root} --collection words --python`,
      { chroma },
    );

    // Assess
    expect(inspected.json()).toMatchObject({ layout: 'python-tarball', manifest: null });
    expect(portableOnly.code).toBe(1);
    expect(portableOnly.stderr).toMatch(/holds a Python-era delta .*needs the pythonDeltas option/);
    expect(verified.stderr).toBe('');
    expect(verified.stdout).toBe(
      'Verified words/delta/old/ (python-tarball): 3 words records of dimension 3 in 1 batch.\n',
    );
  });
});
