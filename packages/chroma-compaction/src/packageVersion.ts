/** The package's semantic version, for logs and delta and snapshot manifests. */
export const PACKAGE_VERSION: string = '0.0.0';

/** What delta and snapshot manifests record as their `producer`. */
export const PRODUCER: string = `@receipt-chroma/chroma-compaction@${PACKAGE_VERSION}`;
