/**
 * `@receipt-chroma/chroma-compaction/s3`: the object store on Amazon S3 through
 * `@aws-sdk/client-s3` and `@aws-sdk/lib-storage` (peer dependencies; the client is yours).
 * @packageDocumentation
 */
export { S3ObjectStore, type S3ObjectStoreOptions } from './S3ObjectStore.js';
