import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileSystemObjectStore } from '../../../src/adapters/fs/FileSystemObjectStore.js';
import { publishSnapshot } from '../../../src/snapshots/publishSnapshot.js';
import { snapshotKeys } from '../../../src/snapshots/snapshotKeys.js';
import { runReceiptChroma } from '../../helpers/cliRun.js';
import { useTempRoot, writeChromaLikeTree } from '../../helpers/snapshotTrees.js';

const keys = snapshotKeys('lines');
const OLD = '20260102_000000_000000_00000002';
const GONE = '20260105_000000_000000_00000005';

interface Listed {
  current: string | null;
  versions: { version: string; current: boolean; records: number | null; manifest: string }[];
}

describe('receipt-chroma snapshot list and show (file-system store)', () => {
  const temp = useTempRoot('cli-snapshot-views-');
  const root = (): string => join(temp.root, 'store');
  const store = (): FileSystemObjectStore => new FileSystemObjectStore({ root: root() });
  /** A complete version the Python package wrote: a tarball and its hash, no manifest. */
  const putPythonVersion = async (version: string): Promise<void> => {
    await store().put(keys.object(version, 'snapshot.tar.gz'), 'x'.repeat(2048));
    await store().put(keys.object(version, '.snapshot_hash'), `md5:${'0'.repeat(32)}`);
  };

  it('list says when versions are stored but no pointer names one', async () => {
    // Prepare
    await putPythonVersion(OLD);

    // Act
    const table = await runReceiptChroma(`snapshot list lines --root ${root()}`);
    const json = await runReceiptChroma(`snapshot list lines --root ${root()} --json`);

    // Assess
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[1]).toMatch(new RegExp(`^   ${OLD}  .*complete, no manifest$`));
    expect(lines.at(-1)).toBe('No pointer: the collection has no current version.');
    expect(json.json<Listed>()).toMatchObject({
      current: null,
      versions: [{ version: OLD, current: false, records: null, manifest: 'none' }],
    });
  });

  it('list says when the pointer names a version that is gone while others are stored', async () => {
    // Prepare
    await putPythonVersion(OLD);
    await store().put(keys.pointer, GONE);

    // Act
    const table = await runReceiptChroma(`snapshot list lines --root ${root()}`);
    const json = await runReceiptChroma(`snapshot list lines --root ${root()} --json`);

    // Assess
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(new RegExp(`^   ${OLD}  `));
    expect(lines[2]).toBe(`The pointer names ${GONE}, which has no objects.`);
    expect(json.json<Listed>().current).toBe(GONE);
  });

  it('list counts the records of a manifest that counts them under other names', async () => {
    // Prepare
    const dir = join(temp.root, 'persist');
    await writeChromaLikeTree(dir);
    await publishSnapshot({
      store: store(),
      collection: 'lines',
      dir,
      recordCounts: { receipt_lines: 1200, receipt_lines_archive: 34 },
    });

    // Act
    const table = await runReceiptChroma(`snapshot list lines --root ${root()}`);
    const json = await runReceiptChroma(`snapshot list lines --root ${root()} --json`);

    // Assess
    expect(table.stdout.split('\n')[1]).toMatch(/\s1,234 {2}complete$/);
    expect(json.json<Listed>().versions[0]?.records).toBe(1234);
  });

  it('show prints why a manifest cannot be used, and the objects instead of its files', async () => {
    // Prepare
    await putPythonVersion(OLD);
    await store().put(keys.object(OLD, 'manifest.json'), 'not json');

    // Act
    const shown = await runReceiptChroma(`snapshot show lines ${OLD} --root ${root()}`);

    // Assess
    expect(shown.code).toBe(0);
    expect(shown.stderr).toBe('');
    expect(shown.stdout).toMatch(/^state:\s+invalid manifest$/m);
    expect(shown.stdout).toMatch(/^manifest:\s+invalid: manifest\.json is not valid JSON$/m);
    expect(shown.stdout).not.toMatch(/^(parent|fence|sha256):/m);
    expect(shown.stdout).toMatch(
      new RegExp(
        `^OBJECT\\s+SIZE\\n.*${OLD}/\\.snapshot_hash\\s+36 B\\n.*${OLD}/manifest\\.json\\s+8 B\\n`,
        'm',
      ),
    );
  });
});
