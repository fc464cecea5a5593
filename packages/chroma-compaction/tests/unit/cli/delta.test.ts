import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileSystemObjectStore } from '../../../src/adapters/fs/FileSystemObjectStore.js';
import { readDelta } from '../../../src/deltas/readDelta.js';
import { runReceiptChroma } from '../../helpers/cliRun.js';
import {
  asRead,
  collectBatches,
  deltaRecords,
  IMAGE_ID,
  RECEIPT_ID,
} from '../../helpers/deltaArchives.js';
import { allKeys } from '../../helpers/snapshotStores.js';
import { useTempRoot } from '../../helpers/snapshotTrees.js';

const PREFIX = 'lines/delta/run-1/';

describe('receipt-chroma delta (file-system store)', () => {
  const temp = useTempRoot('cli-delta-');
  const root = (): string => join(temp.root, 'store');
  const store = (): FileSystemObjectStore => new FileSystemObjectStore({ root: root() });
  const ndjson = async (lines: readonly string[]): Promise<string> => {
    const file = join(temp.root, 'records.ndjson');
    await writeFile(file, `${lines.join('\n')}\n`);
    return file;
  };
  const records = deltaRecords({ count: 30 });
  const recordLines = records.map((record) => JSON.stringify(record));
  const write = (file: string, extra = '') =>
    runReceiptChroma(
      `delta write ${PREFIX} --collection lines --from ${file} --root ${root()} ${extra}`,
    );

  it('write stores the NDJSON records as a portable delta that readDelta reads back', async () => {
    // Prepare
    const file = await ndjson(recordLines);

    // Act
    const run = await write(
      file,
      `--run-id run-1 --image-id ${IMAGE_ID} --receipt-id ${RECEIPT_ID}`,
    );

    // Assess
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(
      /^Wrote 30 lines records of dimension 4 \([\d.]+ KiB of data\) to lines\/delta\/run-1\/\.\n$/,
    );
    const delta = await readDelta(store(), PREFIX, { collection: 'lines' });
    expect(delta.manifest).toMatchObject({
      count: 30,
      runId: 'run-1',
      imageId: IMAGE_ID,
      receiptId: RECEIPT_ID,
    });
    expect((await collectBatches(delta)).records).toEqual(records.map(asRead));
  });

  it('write reads stdin for -', async () => {
    // Prepare
    const input = `${recordLines.slice(0, 3).join('\n')}\n`;

    // Act
    const run = await runReceiptChroma(
      `delta write ${PREFIX} --collection lines --from - --root ${root()} --json`,
      { stdin: input },
    );

    // Assess
    expect(run.code).toBe(0);
    expect(run.json()).toMatchObject({ format: 'chroma-delta', collection: 'lines', count: 3 });
  });

  it('write refuses a bad record, naming its line, and stores nothing', async () => {
    // Prepare: line 3 holds a word id in a lines delta
    const bad = { ...records[2], id: `${records[2]?.id}#WORD#00001` };
    const file = await ndjson([recordLines[0] ?? '', recordLines[1] ?? '', JSON.stringify(bad)]);

    // Act
    const run = await write(file);

    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^receipt-chroma: .*records\.ndjson line 3: Delta record refused, nothing stored: record 2: id ".*" is a word id, not an id of collection lines\n$/,
    );
    expect(await allKeys(store())).toEqual([]);
  });

  it.each([
    ['a line that is not JSON', ['{"id": '], /line 2 is not JSON: /],
    ['a blank line', ['', '{}'], /line 2 is blank$/],
  ])('write refuses %s as bad input (exit 2) and stores nothing', async (_, lines, reason) => {
    // Prepare
    const file = await ndjson([recordLines[0] ?? '', ...lines]);

    // Act
    const run = await write(file);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')).toHaveLength(2);
    expect(run.stderr.trimEnd()).toMatch(reason);
    expect(await allKeys(store())).toEqual([]);
  });

  it('write says which file it cannot read', async () => {
    // Act
    const run = await write(join(temp.root, 'missing.ndjson'));

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^receipt-chroma: cannot read .*missing\.ndjson: no such file or directory\n$/,
    );
  });

  it('inspect prints the manifest, entry sizes and the first record ids', async () => {
    // Prepare
    await write(await ndjson(recordLines), '--run-id run-1');

    // Act
    const table = await runReceiptChroma(
      `delta inspect lines/delta/run-1 --root ${root()} --ids 2`,
    );
    const json = await runReceiptChroma(`delta inspect ${PREFIX} --root ${root()} --json`);

    // Assess
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('layout:      portable\n');
    expect(table.stdout).toContain('records:     30\n');
    expect(table.stdout).toMatch(/^records\.ndjson\s+[\d.]+ KiB\s+[0-9a-f]{64}$/m);
    expect(table.stdout).toMatch(
      new RegExp(`First record ids:\\n  ${records[0]?.id}\\n  ${records[1]?.id}\\n$`),
    );
    const peek = json.json<{ sampleIds: string[]; manifest: { runId: string } }>();
    expect(peek.sampleIds).toEqual(records.slice(0, 5).map((record) => record.id));
    expect(peek.manifest.runId).toBe('run-1');
  });

  it('verify reads the whole delta; a corrupt or foreign one fails with one line', async () => {
    // Prepare
    await write(await ndjson(recordLines));

    // Act
    const good = await runReceiptChroma(`delta verify ${PREFIX} --root ${root()}`);
    const wrongCollection = await runReceiptChroma(
      `delta verify ${PREFIX} --root ${root()} --collection words`,
    );
    const archive = join(root(), PREFIX, 'delta.tar.gz');
    const bytes = await readFile(archive);
    bytes[Math.floor(bytes.length / 2)] = (bytes[Math.floor(bytes.length / 2)] ?? 0) ^ 0x55;
    await writeFile(archive, bytes);
    const corrupt = await runReceiptChroma(`delta verify ${PREFIX} --root ${root()}`);
    const missing = await runReceiptChroma(`delta verify lines/delta/run-2/ --root ${root()}`);

    // Assess
    expect(good.stdout).toBe(
      'Verified lines/delta/run-1/ (portable): 30 lines records of dimension 4 in 1 batch.\n',
    );
    expect(wrongCollection).toMatchObject({
      code: 1,
      stderr: 'receipt-chroma: Delta holds lines records, not words records\n',
    });
    expect(corrupt.code).toBe(1);
    expect(corrupt.stderr.split('\n')).toHaveLength(2);
    expect(missing).toMatchObject({
      code: 1,
      stderr: 'receipt-chroma: No delta at lines/delta/run-2/: no delta.tar.gz and no objects\n',
    });
  });

  it('inspect names a Python-era persist directory; verifying one needs --collection', async () => {
    // Prepare
    await store().put('words/delta/old/chroma.sqlite3', 'sqlite');

    // Act
    const inspected = await runReceiptChroma(
      `delta inspect words/delta/old --root ${root()} --json`,
    );
    const python = await runReceiptChroma(`delta verify words/delta/old --root ${root()} --python`);

    // Assess
    expect(inspected.json()).toMatchObject({ layout: 'python-directory', manifest: null });
    expect(python.code).toBe(2);
    expect(python.stderr).toBe(
      'receipt-chroma: --python needs --collection: a Python-era delta does not name its collection\n',
    );
  });
});
