/**
 * `@receipt-chroma/chroma-compaction/s3`: adapters that need `s3`'s SDK (a peer dependency).
 * @packageDocumentation
 */
export {};
