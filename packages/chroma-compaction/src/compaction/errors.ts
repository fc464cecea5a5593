import { ChromaCompactionError } from '../errors.js';

/**
 * A queue message cannot be applied as it stands: an id is missing or not an integer, a
 * compaction run has no run id, or the message was routed to another collection. The
 * message fails (and is dead-lettered after the queue's retries) instead of being
 * acknowledged.
 */
export class InvalidStreamMessageError extends ChromaCompactionError {}

/**
 * The compactor is not set up to apply a message: the collection name is not `lines` or
 * `words` (or the collection given holds the other one), delta messages arrived without a
 * `mergeDeltas` function, the merger left a run without a result, or a Python-era delta
 * needs a `pythonDeltas` source that was not given. The messages fail so they are retried
 * once the configuration is fixed.
 */
export class CompactionConfigurationError extends ChromaCompactionError {}
