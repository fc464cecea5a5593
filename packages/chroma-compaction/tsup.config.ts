import type { Options } from 'tsup';
import { packageConfig } from '../../tsup.config.js';

/**
 * One entry per `exports` subpath; adapters that import a vendor SDK stay out of the core.
 * Code splitting (ESM and CJS) puts what entries share, such as the error classes, in
 * common chunks, so `instanceof` works across subpaths.
 */
const config: Options[] = packageConfig(
  {
    index: 'src/index.ts',
    chroma: 'src/adapters/chroma/index.ts',
    s3: 'src/adapters/s3/index.ts',
    dynamodb: 'src/adapters/dynamodb/index.ts',
    testing: 'src/testing/index.ts',
  },
  { splitting: true },
);
export default config;
