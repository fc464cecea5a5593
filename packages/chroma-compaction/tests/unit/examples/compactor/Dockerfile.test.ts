import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The compactor image cannot be built on the development machines (no Docker daemon), so
 * this checks the facts of examples/compactor/Dockerfile that a typo would break: a base
 * whose glibc Chroma's binding can load, the runtime interface client as the entry point,
 * and a CMD naming the handler the image contains.
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../../../../..');
const EXAMPLE = join(ROOT, 'examples/compactor');
const dockerfile = readFileSync(join(EXAMPLE, 'Dockerfile'), 'utf8');
const entrypoint = readFileSync(join(EXAMPLE, 'lambda-entrypoint.sh'), 'utf8');

/** Chroma's native binding needs glibc >= 2.38 (DESIGN §5). */
const MIN_GLIBC = 2.38;

/** glibc of the distributions a Node.js image is built on (from their package archives). */
const GLIBC_BY_DISTRIBUTION: Readonly<Record<string, number>> = {
  bullseye: 2.31, // Debian 11
  bookworm: 2.36, // Debian 12
  trixie: 2.41, // Debian 13
  jammy: 2.35, // Ubuntu 22.04
  noble: 2.39, // Ubuntu 24.04
  'amazonlinux:2023': 2.34, // also public.ecr.aws/lambda/nodejs:20 and later
};

/** The instructions, continuation lines joined and comments dropped. */
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));

/** The argument of every instruction named `name`. */
const argumentsOf = (name: string): string[] =>
  instructions
    .filter((line) => line.toUpperCase().startsWith(`${name} `))
    .map((line) => line.slice(name.length + 1).trim());

/** `${NAME}` replaced with the default of `ARG NAME=…`. */
const expand = (text: string): string =>
  text.replace(/\$\{(\w+)\}/g, (_, name: string) => {
    const declared = argumentsOf('ARG').find((arg) => arg.startsWith(`${name}=`));
    if (declared === undefined) throw new Error(`ARG ${name} has no default`);
    return declared.slice(name.length + 1);
  });

/** The image of every FROM, build stages included, with its ARG defaults applied. */
const baseImages = argumentsOf('FROM').map((from) => expand(from.split(/\s+/)[0] ?? ''));

/** The glibc version of an image, or `undefined` when its distribution is not known. */
const glibcOf = (image: string): number | undefined => {
  const distribution = Object.keys(GLIBC_BY_DISTRIBUTION).find((name) => image.includes(name));
  return distribution === undefined ? undefined : GLIBC_BY_DISTRIBUTION[distribution];
};

/** A JSON-array (exec form) instruction's arguments. */
const execForm = (name: string): string[] => {
  const [value] = argumentsOf(name).slice(-1);
  return JSON.parse(value ?? 'null') as string[];
};

describe('Example: the compactor Dockerfile', () => {
  it('builds every stage on a base whose glibc loads Chroma (>= 2.38)', () => {
    // Act
    const glibc = baseImages.map(glibcOf);

    // Assess
    expect(baseImages.length).toBeGreaterThanOrEqual(1);
    for (const [index, version] of glibc.entries()) {
      expect(version, `glibc of ${baseImages[index]}`).toBeGreaterThanOrEqual(MIN_GLIBC);
    }
  });

  it('rejects the bases that cannot load Chroma (the check above can fail)', () => {
    // Act
    const tooOld = ['node:20-bookworm-slim', 'public.ecr.aws/amazonlinux/amazonlinux:2023'].map(
      glibcOf,
    );

    // Assess
    for (const version of tooOld) expect(version ?? 0).toBeLessThan(MIN_GLIBC);
    expect(glibcOf('node:22-alpine')).toBeUndefined();
  });

  it('runs Node.js 22 or later, which aws-lambda-ric 4 requires', () => {
    // Act
    const majors = baseImages.map((image) => Number(/^node:(\d+)-/.exec(image)?.[1]));

    // Assess
    for (const major of majors) expect(major).toBeGreaterThanOrEqual(22);
  });

  it('installs the runtime interface client and chromadb into /var/task', () => {
    // Prepare
    const install = argumentsOf('RUN').find((run) => run.includes('npm install')) ?? '';
    const chromadb = (
      JSON.parse(
        readFileSync(join(EXAMPLE, '../../packages/chroma-compaction/package.json'), 'utf8'),
      ) as {
        devDependencies: Record<string, string>;
      }
    ).devDependencies['chromadb'];

    // Assess
    expect(argumentsOf('WORKDIR')).toContain('/var/task');
    expect(install).toMatch(/\baws-lambda-ric@4\./);
    // The version the integration tests run against.
    expect(install).toContain(`chromadb@${chromadb}`);
    expect(install).toMatch(/\/packs\/\*\.tgz/);
    expect(argumentsOf('COPY')).toContain('--from=build /var/task /var/task');
  });

  it('enters through the runtime interface client with CMD naming the handler export', () => {
    // Prepare
    const build = argumentsOf('RUN').find((run) => run.includes('esbuild')) ?? '';
    const handlerSource = readFileSync(join(EXAMPLE, 'handler.ts'), 'utf8');

    // Act
    const [entry] = execForm('ENTRYPOINT');
    const [handler] = execForm('CMD');
    const [module, exported] = (handler ?? '').split('.');

    // Assess
    expect(entry).toBe('/var/task/lambda-entrypoint.sh');
    expect(build).toContain('examples/compactor/lambda-entrypoint.sh');
    expect(handler).toBe('handler.handler');
    // The handler module is the compiled handler.ts, and it exports `handler`.
    expect(build).toContain('/src/examples/compactor/handler.ts');
    expect(build).toContain(`--outfile=${module}.mjs`);
    expect(handlerSource).toContain(`export const ${exported}: CompactorHandler`);
  });

  it('compiles the handler against the installed packages, not their source', () => {
    // Prepare: the image's esbuild command, run here on the repository (/src in the image),
    // where tsconfig `paths` would lead esbuild to the packages' src/ unless it is told not to.
    const build = argumentsOf('RUN').find((run) => run.includes('esbuild')) ?? '';
    const command = build.slice(build.indexOf('esbuild ') + 'esbuild '.length).split(' && ')[0];
    const out = mkdtempSync(join(tmpdir(), 'dockerfile-esbuild-'));
    const args = (command ?? '')
      .split(/\s+/)
      .filter((arg) => arg !== '')
      .map((arg) => arg.replace(/^\/src\//, `${ROOT}/`).replace(/'/g, ''))
      .map((arg) => (arg.startsWith('--outfile=') ? `--outfile=${join(out, 'handler.mjs')}` : arg));

    // Act
    const result = spawnSync(
      join(ROOT, 'node_modules/.bin/esbuild'),
      [...args, '--log-level=error'],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    const bundle = result.status === 0 ? readFileSync(join(out, 'handler.mjs'), 'utf8') : '';
    rmSync(out, { recursive: true, force: true });

    // Assess
    expect(result.stderr).toBe('');
    expect(bundle).toMatch(/from "@receipt-chroma\/chroma-compaction\/chroma"/);
    expect(bundle).toMatch(/from "@receipt-chroma\/chroma-compaction\/dynamodb"/);
    expect(bundle).not.toMatch(/class LockManager\b/);
  });

  it('has an entry point that hands the CMD to aws-lambda-ric as _HANDLER and argv', () => {
    // Assess
    expect(entrypoint).toMatch(/^#!\/bin\/sh\n/);
    expect(entrypoint).toContain('export _HANDLER="$1"');
    expect(entrypoint).toMatch(/LAMBDA_TASK_ROOT="\$\{LAMBDA_TASK_ROOT:-\/var\/task\}"/);
    expect(entrypoint).toMatch(
      /^exec "\$LAMBDA_TASK_ROOT\/node_modules\/\.bin\/aws-lambda-ric" "\$1"$/m,
    );
  });
});
