import { EntityType, MetricName, TargetQueue } from '../constants.js';
import { EntityValidationError, RecordParseError } from '../errors.js';
import { parseCompactionRun } from '../parsing/compactionRunImage.js';
import type { RecordFields } from '../parsing/readRecord.js';
import type { DynamoDBItem } from '../types.js';
import { isObject } from '../validation/attributes.js';
import { type BuildContext, contextOf, recordFailure } from './buildContext.js';

// spec §8.3
/**
 * The compaction-run INSERT fast path: one delta-merge message per collection,
 * `lines` then `words`, each carrying its collection's delta prefix. Returns why the record
 * could not be used, or `undefined` once its messages are queued.
 * @internal
 */
export const buildCompactionRunMessages = (
  fields: RecordFields,
  pk: string,
  sk: string,
  build: BuildContext,
): RecordParseError | undefined => {
  const image = fields.newImage;
  if (image === undefined) {
    build.observability.count(MetricName.COMPACTION_RUN_MESSAGE_BUILD_ERROR, 1);
    return recordFailure(
      fields,
      'malformed-record',
      `Compaction run INSERT has no NewImage (StreamViewType ${fields.streamViewType ?? 'not given'}); the table's stream must use NEW_AND_OLD_IMAGES`,
    );
  }
  let run: ReturnType<typeof parseCompactionRun>;
  try {
    if (!isObject(image)) {
      throw new EntityValidationError(EntityType.COMPACTION_RUN, [
        { code: 'custom', path: [], message: 'expected a DynamoDB attribute map' },
      ]);
    }
    run = parseCompactionRun(image as DynamoDBItem, pk, sk);
  } catch (error) {
    if (!(error instanceof EntityValidationError)) throw error;
    build.observability.count(MetricName.COMPACTION_RUN_MESSAGE_BUILD_ERROR, 1);
    return new RecordParseError(
      'invalid-entity',
      'Failed to build compaction run messages',
      { ...fields, entityType: EntityType.COMPACTION_RUN, issues: error.issues, image: 'new' },
      { cause: error },
    );
  }
  const context = contextOf(fields, build);
  for (const [collection, prefix] of [
    [TargetQueue.LINES, run.lines_delta_prefix],
    [TargetQueue.WORDS, run.words_delta_prefix],
  ] as const) {
    build.messages.push({
      entityType: EntityType.COMPACTION_RUN,
      entityData: { entity_type: EntityType.COMPACTION_RUN, ...run, delta_s3_prefix: prefix },
      changes: {},
      eventName: 'INSERT',
      collections: [collection],
      context,
      recordSnapshot: image as DynamoDBItem,
    });
  }
  if (build.observability.logging) {
    build.observability.logger.info('Created compaction run messages', {
      run_id: run.run_id,
      image_id: run.image_id,
      eventId: fields.eventId,
    });
  }
  return undefined;
};
