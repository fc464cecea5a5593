import { describe, expect, it } from 'vitest';
import {
  deriveMerchantValidationStatus,
  type ReceiptMetadata,
  ReceiptMetadataItemSchema,
  ReceiptMetadataSchema,
  receiptMetadataKeys,
  receiptMetadataToItem,
  receiptMetadataToPlace,
} from '../../../src/entities/receiptMetadata.js';
import { IMAGE_ID, issuesOf, metadataItem, omit } from '../../helpers/factories.js';

/** The entity `metadataItem()` describes (the string set reads sorted). */
const expectedMetadata = (): ReceiptMetadata => ({
  image_id: IMAGE_ID,
  receipt_id: 2,
  place_id: 'ChIJ-sprouts',
  merchant_name: 'Sprouts Farmers Market',
  merchant_category: 'grocery_store',
  address: '5700 Lindero Canyon Rd, Westlake Village, CA',
  phone_number: '(818) 555-0199',
  matched_fields: ['name', 'phone'],
  validated_by: 'ADDRESS_LOOKUP',
  timestamp: '2025-05-28T12:00:00',
  reasoning: 'name and phone matched',
  canonical_place_id: '',
  canonical_merchant_name: '',
  canonical_address: '',
  canonical_phone_number: '',
  validation_status: 'MATCHED',
});

describe('Function: deriveMerchantValidationStatus', () => {
  const fields = { merchant_name: 'Vons', phone_number: '805-555-0100', address: '123 Main St' };

  it.each([
    [['name', 'phone'], fields, 'MATCHED'],
    [['name'], fields, 'UNSURE'],
    [[], fields, 'NO_MATCH'],
    [['name', 'phone'], { ...fields, merchant_name: ' Al ', phone_number: '555-010' }, 'NO_MATCH'],
    [['address'], { ...fields, address: 'Downtown' }, 'UNSURE'],
    [['address'], { ...fields, address: '123' }, 'NO_MATCH'],
    [['address'], { ...fields, address: 'A B' }, 'NO_MATCH'],
    [['address', 'website'], { ...fields, address: '12 B' }, 'MATCHED'],
  ])('derives %j with %j as %s', (matched, values, status) => {
    // Act
    const result = deriveMerchantValidationStatus({ ...values, matched_fields: matched });

    // Assess
    expect(result).toBe(status);
  });

  it('honours custom thresholds', () => {
    // Act
    const result = deriveMerchantValidationStatus(
      { ...fields, matched_fields: ['name', 'phone'] },
      { minFieldsForMatch: 3, minFieldsForUnsure: 2 },
    );

    // Assess
    expect(result).toBe('UNSURE');
  });
});

describe('Function: receiptMetadataKeys', () => {
  it('builds the legacy keys, preferring the canonical merchant name for GSI1', () => {
    // Act
    const keys = receiptMetadataKeys({
      ...expectedMetadata(),
      canonical_merchant_name: "Trader Joe's",
    });

    // Assess
    expect(keys).toEqual({
      PK: `IMAGE#${IMAGE_ID}`,
      SK: 'RECEIPT#00002#METADATA',
      GSI1PK: "MERCHANT#TRADER_JOE'S",
      GSI1SK: `IMAGE#${IMAGE_ID}#RECEIPT#00002#METADATA`,
      GSI2PK: 'PLACE#ChIJ-sprouts',
      GSI2SK: `IMAGE#${IMAGE_ID}#RECEIPT#00002#METADATA`,
      GSI3PK: 'MERCHANT_VALIDATION',
      GSI3SK: 'STATUS#MATCHED',
    });
  });
});

describe('Function: ReceiptMetadataSchema', () => {
  it.each([
    ['matched_fields', ['name', 'name'], 'matched_fields must contain unique non-empty strings'],
    ['matched_fields', ['name', ''], 'matched_fields must contain unique non-empty strings'],
    [
      'validated_by',
      'GPT+GooglePlaces',
      'ValidationMethod must be one of: PHONE_LOOKUP, ADDRESS_LOOKUP, NEARBY_LOOKUP, TEXT_SEARCH, INFERENCE\nGot: GPT+GooglePlaces',
    ],
    ['timestamp', '2025-13-01', "Invalid isoformat string: '2025-13-01'"],
    ['receipt_id', -2, 'receipt_id must be positive'],
    ['address', null, 'address must be a string'],
  ])('rejects %s = %j', (field, value, message) => {
    // Prepare
    const metadata = { ...expectedMetadata(), [field]: value };

    // Act
    const result = ReceiptMetadataSchema.safeParse(metadata);

    // Assess
    expect(issuesOf(result)).toEqual([[field, message]]);
  });
});

describe('Function: ReceiptMetadataItemSchema', () => {
  it('reads a legacy row', () => {
    // Act
    const metadata = ReceiptMetadataItemSchema.parse(metadataItem());

    // Assess
    expect(metadata).toEqual(expectedMetadata());
  });

  it('keeps a stored validation status even when the fields would say otherwise', () => {
    // Prepare
    const item = { ...metadataItem(), validation_status: { S: 'UNSURE' } };

    // Act
    const metadata = ReceiptMetadataItemSchema.parse(item);

    // Assess
    expect(metadata.validation_status).toBe('UNSURE');
  });

  it('derives an empty validation status from the matched fields', () => {
    // Prepare
    const empty = { ...metadataItem(), validation_status: { S: '' } };
    const unsure = { ...empty, matched_fields: { SS: ['name'] } };

    // Act
    const derived = [empty, unsure].map(
      (item) => ReceiptMetadataItemSchema.parse(item).validation_status,
    );

    // Assess
    expect(derived).toEqual(['MATCHED', 'UNSURE']);
  });

  it('reads NULL and missing optional strings as ""', () => {
    // Prepare
    const item = {
      ...omit(metadataItem(), 'reasoning', 'matched_fields'),
      validated_by: { NULL: true },
    };

    // Act
    const metadata = ReceiptMetadataItemSchema.parse(item);

    // Assess
    expect(metadata).toMatchObject({ validated_by: '', reasoning: '', matched_fields: [] });
  });

  it.each(['PK', 'SK', 'TYPE', 'place_id', 'merchant_name', 'timestamp'])(
    'reports a missing %s',
    (name) => {
      // Act
      const result = ReceiptMetadataItemSchema.safeParse(omit(metadataItem(), name));

      // Assess
      expect(issuesOf(result)).toEqual([[name, `Item is missing required keys: {'${name}'}`]]);
    },
  );

  it.each([
    ['TYPE', { S: 'RECEIPT_PLACE' }, 'TYPE must be RECEIPT_METADATA'],
    ['SK', { S: 'RECEIPT#00002#PLACE' }, 'Invalid SK format: RECEIPT#00002#PLACE'],
    ['SK', { S: 'RECEIPT#two#METADATA' }, 'Invalid SK format: RECEIPT#two#METADATA'],
    ['PK', { S: 'IMAGE#' }, 'Invalid PK format: IMAGE#'],
    ['PK', { S: 'IMAGE#abc' }, 'uuid must be a valid UUIDv4'],
    ['timestamp', { S: 'noon' }, "Invalid isoformat string: 'noon'"],
    [
      'matched_fields',
      { L: [{ S: 'name' }, { S: 'name' }] },
      'matched_fields must contain unique non-empty strings',
    ],
  ])('rejects %s = %j', (name, value, message) => {
    // Prepare
    const item = { ...metadataItem(), [name]: value };

    // Act
    const result = ReceiptMetadataItemSchema.safeParse(item);

    // Assess
    expect(issuesOf(result)).toEqual([[name, message]]);
  });
});

describe('Function: receiptMetadataToItem', () => {
  it('writes the layout the Python entity wrote', () => {
    // Act
    const item = receiptMetadataToItem(expectedMetadata());

    // Assess
    expect(item).toEqual({ ...metadataItem(), matched_fields: { SS: ['name', 'phone'] } });
  });

  it('round-trips without GSI2 when there is no place id', () => {
    // Prepare
    const metadata = { ...expectedMetadata(), place_id: '' };

    // Act
    const item = receiptMetadataToItem(metadata);

    // Assess
    expect(item).not.toHaveProperty('GSI2PK');
    expect(ReceiptMetadataItemSchema.parse(item)).toEqual(metadata);
  });
});

describe('Function: receiptMetadataToPlace', () => {
  it('maps a legacy row onto a valid place', () => {
    // Act
    const place = receiptMetadataToPlace(expectedMetadata());

    // Assess
    expect(place).toMatchObject({
      image_id: IMAGE_ID,
      receipt_id: 2,
      place_id: 'ChIJ-sprouts',
      merchant_name: 'Sprouts Farmers Market',
      merchant_category: 'grocery_store',
      formatted_address: '5700 Lindero Canyon Rd, Westlake Village, CA',
      phone_number: '(818) 555-0199',
      matched_fields: ['name', 'phone'],
      validated_by: 'ADDRESS_LOOKUP',
      validation_status: 'MATCHED',
      reasoning: 'name and phone matched',
      timestamp: '2025-05-28T12:00:00',
      places_api_version: 'legacy',
      confidence: 0,
      latitude: null,
      merchant_types: [],
    });
  });

  it('throws when the legacy merchant name cannot make a place', () => {
    // Prepare
    const metadata = { ...expectedMetadata(), merchant_name: '***' };

    // Act
    const act = () => receiptMetadataToPlace(metadata);

    // Assess
    expect(act).toThrow('contains no alphanumeric characters');
  });
});
