#!/usr/bin/env node
// @ts-check
/**
 * Fails when a doc comment (`/** … *\/`) in a package's `src/` cites the internal behaviour
 * spec (`spec §11.3`): doc comments become the published `.d.ts` files and the API site,
 * whose readers do not have the spec, so public documentation explains the behaviour in its
 * own words. Line comments (`//`) may keep citing it for maintainers. Run by `npm run lint`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CITATION = /\bspec\s*§/i;

/** Every `.ts` file under `dir`. */
const sources = (/** @type {string} */ dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });

const found = [];
for (const pkg of readdirSync(join(root, 'packages'), { withFileTypes: true })) {
  if (!pkg.isDirectory()) continue;
  for (const file of sources(join(root, 'packages', pkg.name, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const comment of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
      const first = text.slice(0, comment.index).split('\n').length;
      comment[0].split('\n').forEach((line, index) => {
        if (CITATION.test(line)) {
          found.push(`${relative(process.cwd(), file)}:${first + index}: ${line.trim()}`);
        }
      });
    }
  }
}

if (found.length > 0) {
  console.error(
    `Doc comments cite the internal spec, which readers of the published types do not have; explain the behaviour instead (a // comment may keep the citation):\n${found.join('\n')}`,
  );
  process.exit(1);
}
console.log('Doc comments: no spec citations.');
