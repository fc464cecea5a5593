import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ObjectPaths } from '../../../../src/adapters/fs/objectKeyPath.js';
import {
  type ObjectSidecar,
  readSidecar,
  repairSidecar,
  writeSidecarTemp,
} from '../../../../src/adapters/fs/objectSidecar.js';

const SIDECAR: ObjectSidecar = { v: 2, etag: '"abc"', ino: '1', size: 3, mtimeNs: '5' };

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'object-sidecar-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The paths of an object `name` in `dir`. */
const pathsIn = (dir: string, name = 'object'): ObjectPaths => ({
  dir,
  file: join(dir, name),
  meta: join(dir, `.~meta.${name}`),
  lock: join(dir, `.~lock.${name}`),
});

describe('Function: readSidecar', () => {
  it.each([
    ['torn JSON', '{"v": 2, "etag"'],
    ['a JSON scalar', '5'],
    ['JSON null', 'null'],
    ['an unknown version', '{"v": 3, "etag": "x"}'],
    ['an etag that is not a string', '{"v": 2, "etag": 1}'],
    ['a content type that is not a string', '{"v": 2, "etag": "x", "contentType": 1}'],
    ['metadata values that are not strings', '{"v": 2, "etag": "x", "metadata": {"a": 1}}'],
    ['metadata that is not an object', '{"v": 2, "etag": "x", "metadata": "a"}'],
  ])('reads %s as no sidecar', async (_case, text) => {
    // Prepare
    const path = join(root, 'meta');
    await writeFile(path, text);

    // Act & Assess
    await expect(readSidecar(path)).resolves.toBeUndefined();
  });

  it('reads an earlier-format sidecar without an identity', async () => {
    // Prepare
    const path = join(root, 'meta');
    await writeFile(path, '{"v": 1, "etag": "x", "metadata": {"a": "b"}}');

    // Act & Assess
    await expect(readSidecar(path)).resolves.toEqual({
      etag: 'x',
      contentType: undefined,
      metadata: { a: 'b' },
      identity: undefined,
    });
  });

  it('reads a directory in place of the sidecar as no sidecar', async () => {
    // Act & Assess
    await expect(readSidecar(root)).resolves.toBeUndefined();
  });

  it('rethrows any other read error', async () => {
    // Act & Assess
    await expect(readSidecar(join(root, 'bad\0name'))).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_VALUE',
    });
  });
});

describe('Function: writeSidecarTemp', () => {
  it('rethrows when the directory is missing, leaving nothing behind', async () => {
    // Prepare
    const paths = pathsIn(join(root, 'missing'));

    // Act & Assess
    await expect(writeSidecarTemp(paths, SIDECAR)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readdir(root)).toEqual([]);
  });
});

describe('Function: repairSidecar', () => {
  it('writes the sidecar in place of the old one', async () => {
    // Prepare
    const paths = pathsIn(root);
    await writeFile(paths.meta, '{"v": 1, "etag": "old"}');

    // Act
    await repairSidecar(paths, SIDECAR);

    // Assess
    await expect(readSidecar(paths.meta)).resolves.toEqual({
      etag: '"abc"',
      contentType: undefined,
      metadata: undefined,
      identity: { ino: '1', size: 3, mtimeNs: '5' },
    });
    expect(await readdir(root)).toEqual(['.~meta.object']);
  });

  it('removes its temp file and rethrows when the rename fails for another reason than a read-only file system', async () => {
    // Prepare: a non-empty directory where the sidecar goes cannot be renamed over
    const paths = pathsIn(root);
    await mkdir(join(paths.meta, 'child'), { recursive: true });

    // Act & Assess
    await expect(repairSidecar(paths, SIDECAR)).rejects.toMatchObject({ code: 'EISDIR' });
    expect(await readdir(root)).toEqual(['.~meta.object']);
  });

  it('rethrows when the temp file cannot be written', async () => {
    // Prepare
    const paths = pathsIn(join(root, 'missing'));

    // Act & Assess
    await expect(repairSidecar(paths, SIDECAR)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
