import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileSystemObjectStore } from '../../../src/adapters/fs/FileSystemObjectStore.js';
import { publishSnapshot } from '../../../src/snapshots/publishSnapshot.js';
import { snapshotKeys } from '../../../src/snapshots/snapshotKeys.js';
import { runReceiptChroma } from '../../helpers/cliRun.js';
import { allKeys } from '../../helpers/snapshotStores.js';
import { exists, readTree, useTempRoot, writeChromaLikeTree } from '../../helpers/snapshotTrees.js';

const keys = snapshotKeys('lines');

interface Listed {
  current: string | null;
  versions: {
    version: string;
    current: boolean;
    size: number;
    complete: boolean;
    parent: string | null;
  }[];
}

describe('receipt-chroma snapshot (file-system store)', () => {
  const temp = useTempRoot('cli-snapshot-');
  const root = (): string => join(temp.root, 'store');
  const persistDir = async (): Promise<string> => {
    const dir = join(temp.root, 'persist');
    await writeChromaLikeTree(dir);
    return dir;
  };
  const push = async (dir: string) => {
    const run = await runReceiptChroma(
      `snapshot push lines --dir ${dir} --root ${root()} --no-lock --json`,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    return run.json<{ version: string; parent: string | null; fence: number | null }>();
  };

  it('push --no-lock publishes the directory as the current version, and list shows it', async () => {
    // Prepare
    const dir = await persistDir();
    const first = await push(dir);

    // Act
    const second = await push(dir);
    const listed = await runReceiptChroma(`snapshot list lines --root ${root()} --json`);
    const table = await runReceiptChroma(`snapshot list lines --root ${root()}`);

    // Assess
    expect(second.parent).toBe(first.version);
    expect(second.fence).toBeNull();
    expect(listed.code).toBe(0);
    const { current, versions } = listed.json<Listed>();
    expect(current).toBe(second.version);
    expect(versions.map((v) => [v.version, v.current, v.complete, v.parent])).toEqual([
      [second.version, true, true, first.version],
      [first.version, false, true, null],
    ]);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\s+VERSION\s+CREATED\s+SIZE\s+RECORDS\s+STATE$/);
    expect(lines[1]).toMatch(new RegExp(`^\\*  ${second.version}  .* complete$`));
    expect(lines[2]).toMatch(new RegExp(`^   ${first.version}  `));
    expect(lines[3]).toBe('* current (named by the pointer)');
  });

  it('reading commands refuse a --root that does not exist; push starts a new store there', async () => {
    // Prepare
    const missing = join(temp.root, 'no-such-store');

    // Act
    const listed = await runReceiptChroma(`snapshot list lines --root ${missing}`);
    const inspected = await runReceiptChroma(`delta inspect lines/delta/run-1/ --root ${missing}`);
    const pushed = await runReceiptChroma(
      `snapshot push lines --dir ${await persistDir()} --root ${missing} --no-lock`,
    );

    // Assess
    for (const run of [listed, inspected]) {
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(
        `receipt-chroma: --root ${missing} is not a directory: no store is there\n`,
      );
    }
    expect(pushed.code).toBe(0);
    expect(await exists(join(missing, 'lines'))).toBe(true);
  });

  it('push needs --table or --no-lock, and a persist directory; it stores nothing otherwise', async () => {
    // Prepare
    const dir = await persistDir();
    const notPersist = join(temp.root, 'not-persist');
    await mkdir(notPersist);
    await writeFile(join(notPersist, 'data.bin'), 'x');
    await writeFile(join(temp.root, 'not-a-dir'), 'x');

    // Act
    const noLock = await runReceiptChroma(`snapshot push lines --dir ${dir} --root ${root()}`);
    const notADir = await runReceiptChroma(
      `snapshot push lines --dir ${join(temp.root, 'not-a-dir')} --root ${root()} --no-lock`,
    );
    const noSqlite = await runReceiptChroma(
      `snapshot push lines --dir ${notPersist} --root ${root()} --no-lock`,
    );
    const both = await runReceiptChroma(
      `snapshot push lines --dir ${dir} --root ${root()} --no-lock --table ReceiptsTable`,
    );
    const missing = await runReceiptChroma(
      `snapshot push lines --dir ${join(temp.root, 'missing')} --root ${root()} --no-lock`,
    );

    // Assess
    expect(noLock.code).toBe(2);
    expect(noLock.stderr).toBe(
      'receipt-chroma: snapshot push needs --table NAME (the DynamoDB lock table), or --no-lock to publish without the compaction lock\n',
    );
    expect(notADir.code).toBe(2);
    expect(notADir.stderr).toMatch(/^receipt-chroma: --dir .*not-a-dir: not a directory\n$/);
    expect(noSqlite.stderr).toMatch(
      /^receipt-chroma: --dir .*not-persist is not a Chroma persist directory: it has no chroma\.sqlite3\n$/,
    );
    expect(both).toMatchObject({
      code: 2,
      stderr: 'receipt-chroma: give either --table or --no-lock, not both\n',
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /^receipt-chroma: --dir .*missing: no such file or directory\n$/,
    );
    expect(await exists(root())).toBe(false);
  });

  it('show prints the current version with its manifest and files', async () => {
    // Prepare
    const { version } = await push(await persistDir());

    // Act
    const shown = await runReceiptChroma(`snapshot show lines --root ${root()}`);
    const json = await runReceiptChroma(`snapshot show lines ${version} --root ${root()} --json`);

    // Assess
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`version:       ${version}\n`);
    expect(shown.stdout).toContain('current:       yes\n');
    expect(shown.stdout).toContain('fence:         (published without a lock)\n');
    expect(shown.stdout).toMatch(/^chroma\.sqlite3\s+68\.4 KiB$/m);
    const parsed = json.json<{
      manifest: { files: { path: string }[]; fence: null };
      current: boolean;
    }>();
    expect(parsed.current).toBe(true);
    expect(parsed.manifest.fence).toBeNull();
    expect(parsed.manifest.files.map((file) => file.path)).toContain('4f1c/data_level0.bin');
  });

  it('list and show tell versions the Python package wrote, incomplete ones and bad manifests apart', async () => {
    // Prepare: a publish with record counts and metadata, then older versions written otherwise
    const store = new FileSystemObjectStore({ root: root() });
    const { version } = await publishSnapshot({
      store,
      collection: 'lines',
      dir: await persistDir(),
      recordCounts: { lines: 1234 },
      metadata: { source: 'backfill' },
    });
    const python = '20260102_000000_000000_00000002';
    await store.put(keys.object(python, 'snapshot.tar.gz'), 'x'.repeat(2048));
    await store.put(keys.object(python, '.snapshot_hash'), `md5:${'0'.repeat(32)}`);
    const partial = '20260103_000000_000000_00000003';
    await store.put(keys.object(partial, 'snapshot.tar.gz'), 'partial');
    const broken = '20260104_000000_000000_00000004';
    await store.put(keys.object(broken, 'snapshot.tar.gz'), 'tar');
    await store.put(keys.object(broken, '.snapshot_hash'), `md5:${'0'.repeat(32)}`);
    await store.put(keys.object(broken, 'manifest.json'), 'not json');

    // Act
    const list = await runReceiptChroma(`snapshot list lines --root ${root()}`);
    const current = await runReceiptChroma(`snapshot show lines --root ${root()}`);
    const old = await runReceiptChroma(`snapshot show lines ${python} --root ${root()}`);
    const bad = await runReceiptChroma(`snapshot show lines ${broken} --root ${root()} --json`);

    // Assess
    expect(list.stdout.split('\n').slice(1, 5)).toEqual([
      expect.stringMatching(new RegExp(`^\\*  ${version} .* 1,234  complete$`)),
      expect.stringMatching(new RegExp(`^   ${broken} .*  -  invalid manifest$`)),
      expect.stringMatching(new RegExp(`^   ${partial} .*  -  incomplete$`)),
      expect.stringMatching(
        new RegExp(`^   ${python}  2026-01-02 00:00:00Z\\s+2\\.0 KiB\\s+-  complete, no manifest$`),
      ),
    ]);
    expect(current.stdout).toContain('records:       lines 1,234\n');
    expect(current.stdout).toContain('metadata:      source=backfill\n');
    expect(current.stdout).toContain('parent:        (none: first version)\n');
    expect(old.stdout).toContain('manifest:    none (a version the Python package wrote)\n');
    expect(old.stdout).toMatch(
      new RegExp(`^OBJECT\\s+SIZE\\n.*${python}/\\.snapshot_hash\\s+36 B\\n`, 'm'),
    );
    expect(bad.json()).toMatchObject({
      manifest: null,
      manifestProblem: 'manifest.json is not valid JSON',
      complete: true,
    });
  });

  it('says when the pointer names a version that has no objects', async () => {
    // Prepare
    const store = new FileSystemObjectStore({ root: root() });
    await store.put(keys.pointer, '20260105_000000_000000_00000005');

    // Act
    const list = await runReceiptChroma(`snapshot list lines --root ${root()}`);
    const show = await runReceiptChroma(`snapshot show lines --root ${root()}`);

    // Assess
    expect(list.stdout).toBe(
      'No versions of lines are stored, but the pointer names 20260105_000000_000000_00000005.\n',
    );
    expect(show).toMatchObject({
      code: 1,
      stderr:
        'receipt-chroma: the pointer of lines names version 20260105_000000_000000_00000005, which has no objects\n',
    });
  });

  it('show and list say plainly when there is nothing', async () => {
    // Prepare: a store without any snapshot of lines
    await mkdir(root(), { recursive: true });

    // Act
    const list = await runReceiptChroma(`snapshot list lines --root ${root()}`);
    const current = await runReceiptChroma(`snapshot show lines --root ${root()}`);
    const named = await runReceiptChroma(
      `snapshot show lines 20260101_000000_000000_00000000 --root ${root()}`,
    );
    const unsafe = await runReceiptChroma(`snapshot show lines .. --root ${root()}`);

    // Assess
    expect(list).toMatchObject({
      code: 0,
      stdout: 'No versions of lines are stored.\n',
      stderr: '',
    });
    expect(current.code).toBe(1);
    expect(current.stderr).toBe(
      'receipt-chroma: lines has no snapshot yet: lines/snapshot/latest-pointer.txt does not exist\n',
    );
    expect(named.code).toBe(1);
    expect(named.stderr).toBe(
      'receipt-chroma: version 20260101_000000_000000_00000000 of lines does not exist\n',
    );
    expect(unsafe.code).toBe(2);
  });

  it('pull extracts the current version, verified, with the files pushed', async () => {
    // Prepare
    const dir = await persistDir();
    const { version } = await push(dir);
    const dest = join(temp.root, 'pulled');

    // Act
    const pulled = await runReceiptChroma(`snapshot pull lines --root ${root()} --dest ${dest}`);
    const again = await runReceiptChroma(`snapshot pull lines --root ${root()} --dest ${dest}`);

    // Assess
    expect(pulled.code).toBe(0);
    expect(pulled.stdout).toMatch(
      new RegExp(
        `^Pulled lines ${version} into .*pulled: 9 files, .*, checked against manifest\\.json\\.\\n$`,
      ),
    );
    expect(await readTree(dest)).toEqual(await readTree(dir));
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^receipt-chroma: Destination .*pulled is not empty; .*\n$/);
  });

  it('verify checks a version in a temporary directory it removes, and fails on a corrupt one', async () => {
    // Prepare
    const { version } = await push(await persistDir());
    const leftovers = async () =>
      (await readdir(tmpdir())).filter((name) => name.startsWith('receipt-chroma-verify-'));
    const before = await leftovers();

    // Act
    const good = await runReceiptChroma(`snapshot verify lines --root ${root()} --json`);
    const tarball = join(root(), keys.object(version, 'snapshot.tar.gz'));
    const bytes = await readFile(tarball);
    bytes[bytes.length - 100] = (bytes[bytes.length - 100] ?? 0) ^ 0xff;
    await writeFile(tarball, bytes);
    const bad = await runReceiptChroma(`snapshot verify lines ${version} --root ${root()}`);

    // Assess
    expect(good.code).toBe(0);
    expect(good.json()).toMatchObject({
      version,
      verified: true,
      files: 9,
      checkedAgainst: 'manifest.json',
    });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(
      new RegExp(
        `^receipt-chroma: Snapshot lines/${version}: snapshot\\.tar\\.gz has SHA-256 [0-9a-f]{64}; manifest\\.json says [0-9a-f]{64}\\n$`,
      ),
    );
    expect(await leftovers()).toEqual(before);
  });

  it('prune --dry-run names what prune then deletes; the current version stays', async () => {
    // Prepare
    const dir = await persistDir();
    const versions: string[] = [];
    for (let i = 0; i < 3; i += 1) versions.push((await push(dir)).version);
    const [oldest, middle, newest] = versions as [string, string, string];
    const store = new FileSystemObjectStore({ root: root() });
    const before = await allKeys(store);

    // Act
    const dry = await runReceiptChroma(
      `snapshot prune lines --root ${root()} --keep 2 --dry-run --json`,
    );
    const afterDry = await allKeys(store);
    const real = await runReceiptChroma(`snapshot prune lines --root ${root()} --keep 2`);

    // Assess
    expect(dry.json()).toEqual({
      collection: 'lines',
      current: newest,
      keep: 2,
      dryRun: true,
      kept: [middle],
      removed: [oldest],
    });
    expect(afterDry).toEqual(before);
    expect(real.code).toBe(0);
    expect(real.stdout).toBe(
      `Removed 1 version of lines:\n  ${oldest}\nKept the current version ${newest} and:\n  ${middle}\n`,
    );
    const left = (await allKeys(store, keys.versions)).map((key) => key.split('/')[3]);
    expect(new Set(left)).toEqual(new Set([middle, newest]));
  });

  it('shows transfer progress on stderr with --progress, and never mixes it into --json', async () => {
    // Prepare
    const dir = await persistDir();

    // Act
    const pushed = await runReceiptChroma(
      `snapshot push lines --dir ${dir} --root ${root()} --no-lock --progress --json`,
    );
    const pulled = await runReceiptChroma(
      `snapshot pull lines --root ${root()} --dest ${join(temp.root, 'out')}`,
      { stderrIsTTY: true },
    );
    const quiet = await runReceiptChroma(`snapshot verify lines --root ${root()}`);

    // Assess
    expect(pushed.code).toBe(0);
    expect(pushed.stderr).toMatch(/^uploading lines: \d+(\.\d)? KiB\n$/);
    expect(() => pushed.json()).not.toThrow();
    const redraw = '\r\u001b[K';
    expect(pulled.stderr.startsWith(redraw)).toBe(true);
    expect(pulled.stderr.split(redraw).at(-1)).toMatch(
      /^downloading lines\/\S+: [\d.]+ KiB \/ [\d.]+ KiB \(100%\)\n$/,
    );
    expect(quiet.stderr).toBe('');
  });
});
