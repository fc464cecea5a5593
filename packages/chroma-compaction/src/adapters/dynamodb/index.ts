/**
 * `@receipt-chroma/chroma-compaction/dynamodb`: adapters that need `dynamodb`'s SDK (a peer dependency).
 * @packageDocumentation
 */
export {};
