import { version } from '../package.json';

/**
 * The package's semantic version, for logs and delta and snapshot manifests: the `version`
 * of its `package.json`, inlined by the build.
 */
export const PACKAGE_VERSION: string = version;

/** What delta and snapshot manifests record as their `producer`. */
export const PRODUCER: string = `@receipt-chroma/chroma-compaction@${PACKAGE_VERSION}`;
