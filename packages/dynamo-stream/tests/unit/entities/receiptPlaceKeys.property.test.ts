import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RECEIPT_PLACE, type ReceiptPlace } from '../../../src/entities/receiptPlace.js';
import {
  placeKeysMatch,
  receiptPlaceKeys,
  type StoredPlaceKeys,
} from '../../../src/entities/receiptPlaceKeys.js';
import { placeItem } from '../../helpers/factories.js';

const parsed = RECEIPT_PLACE.itemParser.safeParse(placeItem());
if (!parsed.success) throw new Error('the place fixture must parse');
const place: ReceiptPlace = parsed.data;

const KEY_NAMES = [
  'PK',
  'SK',
  'GSI1PK',
  'GSI1SK',
  'GSI2PK',
  'GSI2SK',
  'GSI3PK',
  'GSI3SK',
  'GSI4PK',
  'GSI4SK',
] as const;

/** The definition: every present key equals the one receiptPlaceKeys builds. */
const keysEqualExpected = (stored: StoredPlaceKeys, entity: ReceiptPlace): boolean => {
  const expected = receiptPlaceKeys(entity);
  return KEY_NAMES.every((name) => stored[name] === undefined || stored[name] === expected[name]);
};

const storedOf = (entity: ReceiptPlace): Record<string, string> =>
  Object.fromEntries(
    Object.entries(receiptPlaceKeys(entity)).filter(
      (entry): entry is [string, string] => entry[1] !== null,
    ),
  );

describe('Function: placeKeysMatch', () => {
  it('holds exactly when every stored key equals the one the entity gives', () => {
    fc.assert(
      fc.property(
        fc.record({
          receipt_id: fc.integer({ min: 1, max: 1_000_000 }),
          place_id: fc.constantFrom('', 'ChIJ-x', 'P'),
          merchant_name: fc.constantFrom('Target', "Trader Joe's #12", 'CVS  Pharmacy'),
          confidence: fc.constantFrom(0, 0.5, 0.95, 1, 0.03125, 0.65),
          validation_status: fc.constantFrom('', 'MATCHED', 'UNSURE'),
        }),
        fc.array(
          fc.tuple(
            fc.constantFrom(...KEY_NAMES),
            fc.oneof(
              fc.constant('delete'),
              fc.constant(''),
              fc.string({ maxLength: 8 }),
              fc.constantFrom('PLACE_VALIDATION', '1_PLACE', 'RECEIPT#00001#PLACE', 'PLACE#'),
            ),
          ),
          { maxLength: 2 },
        ),
        fc.boolean(),
        (fields, changes, fromOtherEntity) => {
          // Prepare
          const entity: ReceiptPlace = { ...place, ...fields };
          const stored: Record<string, string> = storedOf(fromOtherEntity ? place : entity);
          for (const [name, value] of changes) {
            if (value === 'delete' && name !== 'PK' && name !== 'SK') delete stored[name];
            else if (value !== 'delete') stored[name] = value;
          }
          const keys = stored as unknown as StoredPlaceKeys;

          // Act
          const matched = placeKeysMatch(keys, entity);

          // Assess
          expect(matched).toBe(keysEqualExpected(keys, entity));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
