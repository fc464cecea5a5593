#!/usr/bin/env node
// Fails when a doc comment in a package's src links ({@link X}, {@linkcode X},
// {@linkplain X}) to a name the compiler cannot resolve there: a dead link reads as a
// reference on hover and leads nowhere. Run by `npm run lint`.
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root =
  relative(process.cwd(), dirname(dirname(dirname(fileURLToPath(import.meta.url))))) || '.';
const projects = ['packages/dynamo-stream', 'packages/chroma-compaction'];

/** The `{@link …}` nodes of the doc comments attached to `node`. */
const linksOf = (node) => {
  const links = [];
  const visit = (part) => {
    if (ts.isJSDocLink(part) || ts.isJSDocLinkCode(part) || ts.isJSDocLinkPlain(part)) {
      links.push(part);
    }
    ts.forEachChild(part, visit);
  };
  for (const doc of node.jsDoc ?? []) {
    visit(doc);
    // A tag's comment holds its links as an array that forEachChild does not visit.
    for (const tag of doc.tags ?? []) {
      if (Array.isArray(tag.comment)) for (const part of tag.comment) visit(part);
    }
    if (Array.isArray(doc.comment)) for (const part of doc.comment) visit(part);
  }
  return links;
};

const dead = [];
for (const project of projects) {
  const configPath = ts.findConfigFile(`${root}/${project}`, ts.sys.fileExists, 'tsconfig.json');
  const config = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
  );
  const program = ts.createProgram(config.fileNames, config.options);
  const checker = program.getTypeChecker();
  for (const file of program.getSourceFiles()) {
    if (!file.fileName.includes(`${project}/src/`)) continue;
    const seen = new Set();
    const walk = (node) => {
      for (const link of linksOf(node)) {
        if (link.name === undefined || seen.has(link)) continue;
        seen.add(link);
        // URLs are written {@link https://…}: the name is then `https`.
        if (link.text.startsWith('//')) continue;
        if (checker.getSymbolAtLocation(link.name) === undefined) {
          const { line } = file.getLineAndCharacterOfPosition(link.getStart(file));
          dead.push(
            `${relative(process.cwd(), file.fileName)}:${line + 1}: {@link ${link.name.getText(file)}}`,
          );
        }
      }
      ts.forEachChild(node, walk);
    };
    walk(file);
  }
}

if (dead.length > 0) {
  console.error(`Doc comments link to names that do not resolve:\n${dead.join('\n')}`);
  process.exit(1);
}
console.log('Doc links: every {@link} resolves.');
