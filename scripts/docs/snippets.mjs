// @ts-check
/**
 * Finds the TypeScript snippets of the documentation: every ```ts fence of the Markdown pages
 * (`README.md`, `packages/*\/README.md`, `docs/**\/*.md`, `examples/*\/README.md`) and of the
 * doc comments (`/** … *\/`) in `packages/*\/src`, `@example` blocks included. Used by
 * `checkSnippets.mjs`.
 *
 * The conventions a snippet follows:
 * - It is a module of its own: it imports what it uses from the public package names
 *   (`@receipt-chroma/chroma-compaction/chroma`, …) and declares what it assumes but does not
 *   build, at its top: `declare const store: ObjectStore;`. Readers see the assumption and
 *   its type, and the checker holds the rest of the snippet to it.
 * - A fence whose info string carries `nocheck` (```ts nocheck) is not checked; the checker
 *   counts and lists those opt-outs. Code in any other language (```text, ```sh) is not
 *   TypeScript and is not looked at.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * A fenced code block found in a page or a doc comment.
 * @typedef {object} Snippet
 * @property {string} file Repository-relative path of the page or source file.
 * @property {number} line 1-based line of the opening fence.
 * @property {string} code The block's code, indentation (or the comment's ` * `) removed.
 * @property {{ line: number, column: number }[]} origins Where each code line sits in `file`
 *   (1-based line, 0-based column offset of the code line's first character).
 * @property {boolean} optOut Whether the fence is marked `nocheck`.
 */

/** Languages checked: everything else is prose for the reader. */
const TS_LANGUAGES = new Set(['ts', 'typescript']);
const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^`\s]*)(.*)$/;

/**
 * The fenced blocks of `lines` (each already stripped of a comment prefix), whose language is
 * TypeScript.
 * @param {string} file
 * @param {{ text: string, line: number, column: number }[]} lines
 * @returns {Snippet[]}
 */
export const fencedSnippets = (file, lines) => {
  /** @type {Snippet[]} */
  const snippets = [];
  for (let i = 0; i < lines.length; i += 1) {
    const open = FENCE.exec(lines[i]?.text ?? '');
    if (open === null) continue;
    const [, indent = '', fence = '', language = '', rest = ''] = open;
    const end = lines.findIndex(
      (candidate, j) =>
        j > i &&
        candidate.text.trim().startsWith(fence) &&
        candidate.text.trim().replaceAll(fence[0] ?? '`', '') === '',
    );
    const close = end === -1 ? lines.length : end;
    if (TS_LANGUAGES.has(language.toLowerCase())) {
      const body = lines.slice(i + 1, close);
      const strip = (/** @type {string} */ text) =>
        text.startsWith(indent) ? text.slice(indent.length) : text.trimStart();
      snippets.push({
        file,
        line: lines[i]?.line ?? 0,
        code: body.map(({ text }) => strip(text)).join('\n'),
        origins: body.map(({ text, line, column }) => ({
          line,
          column: column + (text.length - strip(text).length),
        })),
        optOut: rest.split(/\s+/).includes('nocheck'),
      });
    }
    i = close;
  }
  return snippets;
};

/**
 * The TypeScript snippets of a Markdown page.
 * @param {string} root
 * @param {string} path
 * @returns {Snippet[]}
 */
export const markdownSnippets = (root, path) =>
  fencedSnippets(
    relative(root, path),
    readFileSync(path, 'utf8')
      .split('\n')
      .map((text, index) => ({ text, line: index + 1, column: 0 })),
  );

/**
 * The TypeScript snippets of the doc comments of a source file, and the `@example` tags that
 * hold no fenced block (which therefore cannot be checked).
 * @param {string} root
 * @param {string} path
 * @returns {{ snippets: Snippet[], unfenced: { file: string, line: number }[] }}
 */
export const docCommentSnippets = (root, path) => {
  const file = relative(root, path);
  const text = readFileSync(path, 'utf8');
  /** @type {Snippet[]} */
  const snippets = [];
  /** @type {{ file: string, line: number }[]} */
  const unfenced = [];
  for (const match of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    const start = text.slice(0, match.index).split('\n').length;
    const lines = match[0].split('\n').map((raw, index) => {
      const prefix = /^\s*(\/\*\*|\*(?!\/))? ?/.exec(raw)?.[0] ?? '';
      const body = raw.slice(prefix.length).replace(/\s*\*\/$/, '');
      return { text: body, line: start + index, column: prefix.length };
    });
    snippets.push(...fencedSnippets(file, lines));
    // An @example runs to the next block tag; it is checkable only if it holds a fence.
    lines.forEach(({ text: line, line: number }, index) => {
      if (!/^\s*@example\b/.test(line)) return;
      const next = lines.findIndex((candidate, j) => j > index && /^\s*@\w/.test(candidate.text));
      const body = lines.slice(index, next === -1 ? lines.length : next);
      if (!body.some((candidate) => FENCE.test(candidate.text)))
        unfenced.push({ file, line: number });
    });
  }
  return { snippets, unfenced };
};

/**
 * Every file under `dir` (recursively) whose name passes `accept`, skipping `node_modules`,
 * `dist` and dot folders.
 * @param {string} dir
 * @param {(name: string) => boolean} accept
 * @returns {string[]}
 */
export const filesUnder = (dir, accept) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name.startsWith('.') || entry.name === 'node_modules' || entry.name === 'dist') {
      return [];
    }
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path, accept);
    return accept(entry.name) ? [path] : [];
  });

/**
 * The documentation pages whose snippets are checked.
 * @param {string} root
 * @returns {string[]}
 */
export const documentationPages = (root) => {
  const subdirectoryReadmes = (/** @type {string} */ dir) =>
    readdirSync(join(root, dir), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(root, dir, entry.name, 'README.md'))
      .filter((path) => {
        try {
          readFileSync(path);
          return true;
        } catch {
          return false;
        }
      });
  return [
    join(root, 'README.md'),
    ...subdirectoryReadmes('packages'),
    ...filesUnder(join(root, 'docs'), (name) => name.endsWith('.md')),
    ...subdirectoryReadmes('examples'),
  ].sort();
};

/**
 * The source files whose doc comments are searched.
 * @param {string} root
 * @returns {string[]}
 */
export const packageSources = (root) =>
  readdirSync(join(root, 'packages'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) =>
      filesUnder(join(root, 'packages', entry.name, 'src'), (name) => name.endsWith('.ts')),
    )
    .sort();
