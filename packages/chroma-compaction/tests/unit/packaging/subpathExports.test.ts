import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The built package as a user gets it: every subpath loads in ESM and CJS, and an error
 * thrown by an adapter subpath is an instance of the root's classes (shared chunks, not one
 * copy of the error classes per entry). `npm test` builds the packages before vitest runs.
 */
const packageRoot = fileURLToPath(new URL('../../..', import.meta.url));
const SUBPATHS = ['', '/chroma', '/s3', '/dynamodb', '/testing'];

const runNode = (args: string[]): string =>
  execFileSync(process.execPath, args, { cwd: packageRoot, encoding: 'utf8' }).trim();

describe('Package: built subpath exports', () => {
  it('has been built', () => {
    // Assess
    expect(existsSync(`${packageRoot}dist/index.js`), 'run `npm run build` first').toBe(true);
  });

  it.each(['esm', 'cjs'] as const)(
    'loads every subpath and shares error classes (%s)',
    (format) => {
      // Prepare
      const load = (subpath: string) =>
        format === 'esm'
          ? `await import('@receipt-chroma/chroma-compaction${subpath}')`
          : `require('@receipt-chroma/chroma-compaction${subpath}')`;
      const script = `
      const [root, chroma, s3, dynamodb, testing] = [${SUBPATHS.map(load).join(', ')}];
      const error = new chroma.LocalChromaStartError('probe', { reason: 'timeout' });
      console.log(JSON.stringify({
        shared: error instanceof root.ChromaCompactionError,
        exports: [root.processCollectionUpdates, chroma.chromaVectorCollection, s3.S3ObjectStore,
          dynamodb.DynamoReceiptStore, testing.InMemoryVectorCollection].map((value) => typeof value),
      }));`;
      const args = format === 'esm' ? ['--input-type=module', '-e', script] : ['-e', script];

      // Act
      const result = JSON.parse(runNode(args)) as { shared: boolean; exports: string[] };

      // Assess
      expect(result).toEqual({ shared: true, exports: Array(5).fill('function') });
    },
  );
});
