/**
 * `@receipt-chroma/chroma-compaction`: applies stream messages to Chroma collections.
 *
 * This release is the package shell; the ports, adapters and operations arrive in later versions.
 * @packageDocumentation
 */

/** The collections this package keeps in step, re-exported from `@receipt-chroma/dynamo-stream`. */
export { ChromaDBCollection } from '@receipt-chroma/dynamo-stream';

/** The package's semantic version, for logs and snapshot manifests. */
export const PACKAGE_VERSION: string = '0.0.0';
