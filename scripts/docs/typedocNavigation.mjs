// @ts-check
/**
 * A TypeDoc plugin that names the API site's navigation entries the way readers know them:
 * - each entry module by the specifier users import it with
 *   (`@receipt-chroma/chroma-compaction/chroma`, not `chroma-compaction/src/adapters/chroma`),
 *   from the packages' exports maps through the mapping the tests use
 *   (`scripts/workspaceSources.mjs`);
 * - each Markdown page by its first `# heading` (TypeDoc would show its path), grouped under
 *   "Packages" (the package READMEs), "Examples" (the examples' READMEs) or "Guides"
 *   (everything under `docs/`), so the pages need no front matter and read the same on GitHub
 *   and npm.
 */
import { resolve } from 'node:path';
import { Converter, ReflectionKind } from 'typedoc';
import { WORKSPACE_SOURCES } from '../workspaceSources.mjs';

/** The public specifier of each entry file, by absolute path. */
const specifiers = new Map(
  [...WORKSPACE_SOURCES].map(([specifier, file]) => [resolve(file), specifier]),
);

/** The navigation group of a page, from its path relative to the pages' common folder. */
const groupOf = (/** @type {string} */ path) => {
  if (path.startsWith('examples/')) return 'Examples';
  return /(^|\/)README$/.test(path) ? 'Packages' : 'Guides';
};

/** @param {import('typedoc').Application} app */
export const load = (app) => {
  app.converter.on(Converter.EVENT_CREATE_DOCUMENT, (_context, document) => {
    const path = document.name; // the page's path from the pages' common folder, no extension
    const text = document.content.map((part) => part.text).join('');
    const heading = /^#[ \t]+(.+)$/m.exec(text)?.[1]?.replaceAll('`', '').trim();
    if (heading === undefined) {
      app.logger.warn(`The page ${path} has no "# heading" to name it by.`);
      return;
    }
    document.name = heading;
    document.frontmatter['group'] ??= groupOf(path);
  });
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const module of context.project.getChildrenByKind(ReflectionKind.Module)) {
      const file = module.sources?.[0]?.fullFileName;
      const specifier = file === undefined ? undefined : specifiers.get(resolve(file));
      if (specifier === undefined) {
        app.logger.warn(`No public specifier for the module ${module.name} (${file}).`);
      } else {
        module.name = specifier;
      }
    }
  });
};
