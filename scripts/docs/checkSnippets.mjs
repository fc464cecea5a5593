#!/usr/bin/env node
// @ts-check
/**
 * Type-checks every TypeScript snippet of the documentation, so the code in the READMEs, the
 * guides and the `@example`s of the doc comments cannot rot. Run by `npm test` (through
 * `npm run docs:snippets`).
 *
 * Each ```ts block (see `snippets.mjs` for what is found and the conventions a snippet
 * follows) is written to its own module under `.cache/snippets/`, and one TypeScript program
 * checks them all with the repository's settings (`tsconfig.base.json`: `@tsconfig/strictest`,
 * so `exactOptionalPropertyTypes` and `noUncheckedIndexedAccess` among others, and the same
 * resolution of `@receipt-chroma/*` to the packages' sources) plus `skipLibCheck`, which
 * chromadb's own declarations need. Two settings are relaxed, as they are for a reader's
 * fragment rather than a program: unused locals and parameters are allowed, and
 * `isolatedDeclarations` (a rule for the packages' public signatures) is off.
 *
 * A failure names the page or source file and the line of the snippet's code. Blocks marked
 * ```ts nocheck are counted and listed, never checked. An `@example` with no fenced block is
 * a failure: it could not be checked.
 *
 * Usage: node scripts/docs/checkSnippets.mjs [--verbose]
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import {
  docCommentSnippets,
  documentationPages,
  markdownSnippets,
  packageSources,
} from './snippets.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const scratch = join(root, '.cache', 'snippets');
const verbose = process.argv.includes('--verbose');
const started = performance.now();

/** @type {import('./snippets.mjs').Snippet[]} */
const snippets = [];
/** @type {{ file: string, line: number }[]} */
const unfenced = [];
for (const page of documentationPages(root)) snippets.push(...markdownSnippets(root, page));
for (const source of packageSources(root)) {
  const found = docCommentSnippets(root, source);
  snippets.push(...found.snippets);
  unfenced.push(...found.unfenced);
}
const checked = snippets.filter(({ optOut }) => !optOut);
const optedOut = snippets.filter(({ optOut }) => optOut);

// One module per snippet; `moduleDetection: force` keeps a snippet without imports a module
// too, so two snippets declaring the same name never collide.
rmSync(scratch, { recursive: true, force: true });
mkdirSync(scratch, { recursive: true });
/** @type {Map<string, import('./snippets.mjs').Snippet>} */
const byModule = new Map();
checked.forEach((snippet, index) => {
  const name = `${String(index).padStart(4, '0')}-${snippet.file.replace(/[^\w.-]+/g, '_')}-L${snippet.line}.ts`;
  const path = join(scratch, name);
  writeFileSync(path, `${snippet.code}\n`);
  byModule.set(path, snippet);
});
const tsconfigPath = join(scratch, 'tsconfig.json');
writeFileSync(
  tsconfigPath,
  `${JSON.stringify(
    {
      extends: relative(scratch, join(root, 'tsconfig.base.json')),
      compilerOptions: {
        noEmit: true,
        declaration: false,
        isolatedDeclarations: false,
        skipLibCheck: true,
        noUnusedLocals: false,
        noUnusedParameters: false,
        moduleDetection: 'force',
      },
      include: ['*.ts'],
    },
    null,
    2,
  )}\n`,
);

const config = ts.getParsedCommandLineOfConfigFile(
  tsconfigPath,
  {},
  {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  },
);
if (config === undefined) throw new Error(`cannot read ${tsconfigPath}`);
const program = ts.createProgram(config.fileNames, config.options);

/** Where a diagnostic of a snippet module points in the page or source file. */
const locate = (/** @type {ts.Diagnostic} */ diagnostic) => {
  const file = diagnostic.file;
  const snippet = file === undefined ? undefined : byModule.get(ts.sys.resolvePath(file.fileName));
  if (file === undefined || snippet === undefined || diagnostic.start === undefined) {
    return file === undefined ? '(options)' : relative(process.cwd(), file.fileName);
  }
  const { line, character } = file.getLineAndCharacterOfPosition(diagnostic.start);
  const origin = snippet.origins[line] ?? { line: snippet.line, column: 0 };
  return `${snippet.file}:${origin.line}:${origin.column + character + 1}`;
};

const failures = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
for (const path of byModule.keys()) {
  const file = program.getSourceFile(path);
  if (file === undefined) throw new Error(`the program lost ${path}`);
  failures.push(...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file));
}

const lines = failures.map(
  (diagnostic) =>
    `${locate(diagnostic)}: TS${diagnostic.code} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n  ')}`,
);
for (const { file, line } of unfenced) {
  lines.push(`${file}:${line}: @example without a fenced \`\`\`ts block, so it cannot be checked`);
}

const seconds = ((performance.now() - started) / 1000).toFixed(1);
const fromPages = checked.filter(({ file }) => file.endsWith('.md')).length;
const summary =
  `Doc snippets: ${checked.length} checked (${fromPages} from pages, ` +
  `${checked.length - fromPages} from doc comments), ${optedOut.length} opted out with nocheck, ` +
  `in ${seconds} s.`;
if (verbose || optedOut.length > 0) {
  for (const { file, line } of optedOut) console.log(`  nocheck: ${file}:${line}`);
}
if (lines.length > 0) {
  console.error(lines.join('\n'));
  console.error(
    `\n${summary} ${lines.length} problem(s); the modules are in ${relative(process.cwd(), scratch)}.`,
  );
  process.exit(1);
}
console.log(summary);
