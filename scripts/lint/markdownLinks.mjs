#!/usr/bin/env node
// @ts-check
/**
 * Fails when a relative link of the documentation pages (`README.md`, `packages/*\/README.md`,
 * `docs/**\/*.md`, `examples/*\/README.md`) leads nowhere: a file that does not exist, or a
 * `#fragment` that names no heading of the Markdown page it points to (GitHub's heading ids).
 * Links to other sites are not followed. The package READMEs ship to npm, the guides are the
 * API site's pages: a dead link there is a dead end for a user. Run by `npm run lint`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { documentationPages } from '../docs/snippets.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The page's text without fenced code blocks and inline code, line numbers kept. */
const prose = (/** @type {string} */ text) => {
  let fence = '';
  return text.split('\n').map((line) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence === '' && marker !== undefined) {
      fence = marker;
      return '';
    }
    if (fence !== '') {
      if (marker !== undefined && line.trim().startsWith(fence)) fence = '';
      return '';
    }
    return line.replace(/`[^`]*`/g, '');
  });
};

/** GitHub's id for a heading: lower case, punctuation dropped, spaces to hyphens. */
const slug = (/** @type {string} */ heading) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

/** @type {Map<string, Set<string>>} */
const anchorCache = new Map();
/** The heading ids of a Markdown page, numbered like GitHub's for repeated headings. */
const anchorsOf = (/** @type {string} */ path) => {
  let anchors = anchorCache.get(path);
  if (anchors === undefined) {
    anchors = new Set();
    /** @type {Map<string, number>} */
    const seen = new Map();
    let fence = '';
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
      if (marker !== undefined && (fence === '' || line.trim().startsWith(fence))) {
        fence = fence === '' ? marker : '';
        continue;
      }
      const heading = fence === '' ? /^#{1,6}\s+(.+?)\s*#*$/.exec(line)?.[1] : undefined;
      if (heading === undefined) continue;
      const id = slug(heading.replace(/`/g, ''));
      const count = seen.get(id) ?? 0;
      seen.set(id, count + 1);
      anchors.add(count === 0 ? id : `${id}-${count}`);
    }
    anchorCache.set(path, anchors);
  }
  return anchors;
};

const dead = [];
for (const page of documentationPages(root)) {
  prose(readFileSync(page, 'utf8')).forEach((line, index) => {
    for (const [, target = ''] of line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, …
      const [file = '', fragment] = target.split('#');
      const destination = file === '' ? page : resolve(dirname(page), decodeURIComponent(file));
      const where = `${relative(process.cwd(), page)}:${index + 1}`;
      if (!existsSync(destination)) {
        dead.push(`${where}: ${target} (no such file)`);
      } else if (
        fragment !== undefined &&
        destination.endsWith('.md') &&
        statSync(destination).isFile() &&
        !anchorsOf(destination).has(fragment)
      ) {
        dead.push(`${where}: ${target} (no heading #${fragment})`);
      }
    }
  });
}

if (dead.length > 0) {
  console.error(`Documentation links that lead nowhere:\n${dead.join('\n')}`);
  process.exit(1);
}
console.log('Documentation links: every relative link resolves.');
