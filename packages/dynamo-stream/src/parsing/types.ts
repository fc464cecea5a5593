import type { Receipt } from '../entities/receipt.js';
import type { ReceiptLine } from '../entities/receiptLine.js';
import type { ReceiptPlace } from '../entities/receiptPlace.js';
import type { ReceiptSection } from '../entities/receiptSection.js';
import type { ReceiptSummaryRecord } from '../entities/receiptSummaryRecord.js';
import type { ReceiptWord } from '../entities/receiptWord.js';
import type { ReceiptWordLabel } from '../entities/receiptWordLabel.js';
import type { EntityValidationError, ImageName } from '../errors.js';

/**
 * The entity each built-in entity type parses to. Compaction runs have no entity parser,
 * so their entities are always `null`.
 */
export interface BuiltInEntities {
  /** A receipt record's entities. */
  readonly RECEIPT: Receipt;
  /** A receipt line record's entities. */
  readonly RECEIPT_LINE: ReceiptLine;
  /** A receipt word record's entities. */
  readonly RECEIPT_WORD: ReceiptWord;
  /** A word label record's entities. */
  readonly RECEIPT_WORD_LABEL: ReceiptWordLabel;
  /** A place record's entities. */
  readonly RECEIPT_PLACE: ReceiptPlace;
  /** A section record's entities. */
  readonly RECEIPT_SECTION: ReceiptSection;
  /** A summary record's entities. */
  readonly RECEIPT_SUMMARY: ReceiptSummaryRecord;
  /** None: a compaction run record's entities are always `null`. */
  readonly COMPACTION_RUN: never;
}

/** The entity type of a definition in `DEFAULT_ENTITY_REGISTRY`. */
export type BuiltInEntityType = keyof BuiltInEntities;

/** An image that was present but invalid in a record that could still be used. */
export interface ImageError {
  /** Which image failed. */
  readonly image: ImageName;
  /** Why it failed, with paths relative to the image. */
  readonly error: EntityValidationError;
}

/** A recognised stream record whose images were parsed, for one entity type. */
export interface ParsedEntityRecord<Type extends string, Entity> {
  /** The detected entity type. */
  readonly entityType: Type;
  /**
   * The entity of the old image; `null` when the record has none (an INSERT, or a REMOVE
   * whose keys suffice) or when it was invalid beside a usable record (see `imageErrors`).
   */
  readonly oldEntity: Entity | null;
  /** The entity of the new image; `null` when the record has none (a REMOVE). */
  readonly newEntity: Entity | null;
  /** The record's partition key. */
  readonly pk: string;
  /** The record's sort key. */
  readonly sk: string;
  /** `INSERT`, `MODIFY`, `REMOVE`, or whatever else the record said. */
  readonly eventName: string | undefined;
  /** The record's `eventID`. */
  readonly eventId: string | undefined;
  /** The record's `dynamodb.SequenceNumber`. */
  readonly sequenceNumber: string | undefined;
  /**
   * Images that were present but invalid where the event does not need them: the old
   * image of a MODIFY (the new values still stand) or of a REMOVE whose keys identify the
   * entity. An invalid image the event needs fails the record instead.
   */
  readonly imageErrors: readonly ImageError[];
}

/** The records of custom entity types, whose entities are not known statically. */
type CustomEntityRecord<Type extends string> = [Type] extends [never]
  ? never
  : ParsedEntityRecord<Type, unknown>;

/**
 * A parsed stream record, typed by its `entityType`: for a built-in type the entities are
 * that type's (`if (record.entityType === 'RECEIPT_PLACE') record.newEntity` is
 * `ReceiptPlace | null`), and for a type from a custom definition they are `unknown`.
 * `Types` are the registry's entity types: the built-in ones by default, plus the names of
 * custom definitions declared with `defineEntity` when they are passed as `registry`. A
 * definition typed only as `EntityDefinition` (its name a plain `string`) makes every
 * record's entities `unknown`.
 */
export type ParsedStreamRecord<Types extends string = BuiltInEntityType> =
  | {
      [Type in Extract<Types, BuiltInEntityType>]: ParsedEntityRecord<Type, BuiltInEntities[Type]>;
    }[Extract<Types, BuiltInEntityType>]
  | CustomEntityRecord<Exclude<Types, BuiltInEntityType>>;
