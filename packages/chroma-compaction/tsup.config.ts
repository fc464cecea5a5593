import type { Options } from 'tsup';
import { packageConfig } from '../../tsup.config.js';

/**
 * One entry per `exports` subpath; adapters that import a vendor SDK stay out of the core.
 * Code splitting (ESM and CJS) puts what entries share, such as the error classes, in
 * common chunks, so `instanceof` works across subpaths.
 *
 * The `receipt-chroma` bin (`dist/cli.js`, from `src/cli/main.ts`) is one more entry of the
 * same build, so it shares those chunks instead of carrying a copy of the library, and one
 * `clean` empties `dist` before everything is written. Its `import()`s of the S3, DynamoDB
 * and Chroma adapters stay dynamic imports, so the optional AWS SDK and `chromadb` peers load
 * only for the commands that use them. (The CommonJS `cli.cjs` beside it is unused.)
 */
const config: Options[] = packageConfig(
  {
    index: 'src/index.ts',
    chroma: 'src/adapters/chroma/index.ts',
    s3: 'src/adapters/s3/index.ts',
    dynamodb: 'src/adapters/dynamodb/index.ts',
    testing: 'src/testing/index.ts',
    cli: 'src/cli/main.ts',
  },
  { splitting: true },
);
export default config;
