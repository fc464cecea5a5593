/**
 * `@receipt-chroma/chroma-compaction/chroma`: adapters that need `chroma`'s SDK (a peer dependency).
 * @packageDocumentation
 */
export {};
