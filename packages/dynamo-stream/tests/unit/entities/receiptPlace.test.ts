import { describe, expect, it } from 'vitest';
import {
  merchantSlug,
  type ReceiptPlace,
  ReceiptPlaceItemSchema,
  ReceiptPlaceSchema,
  receiptPlaceKeys,
  receiptPlaceToItem,
} from '../../../src/entities/receiptPlace.js';
import {
  IMAGE_ID,
  issuesOf,
  omit,
  placeItem,
  seedPlaceItem,
  UUID_V5,
} from '../../helpers/factories.js';

/** The entity `placeItem()` describes. */
const expectedPlace = (): ReceiptPlace => ({
  image_id: IMAGE_ID,
  receipt_id: 1,
  place_id: 'ChIJ-target-123',
  merchant_name: 'Target',
  merchant_category: 'department_store',
  merchant_types: ['department_store', 'store'],
  formatted_address: '123 Main St, Westlake Village, CA 91361',
  short_address: '',
  address_components: { city: 'Westlake Village', zip: '91361' },
  latitude: 34.1,
  longitude: -118.8,
  viewport_ne_lat: null,
  viewport_ne_lng: null,
  viewport_sw_lat: null,
  viewport_sw_lng: null,
  plus_code: '',
  phone_number: '(805) 555-0100',
  phone_intl: '',
  website: 'https://www.target.com',
  maps_url: '',
  business_status: 'OPERATIONAL',
  open_now: true,
  hours_summary: ['Monday: 8:00 AM – 10:00 PM'],
  hours_data: { periods: [{ open: 800 }] },
  photo_references: [],
  matched_fields: ['name', 'phone'],
  validated_by: 'PHONE_LOOKUP',
  validation_status: 'MATCHED',
  confidence: 0.95,
  reasoning: '',
  timestamp: '2025-12-20T10:11:12.123456+00:00',
  places_api_version: 'v1',
});

const SORT = `IMAGE#${IMAGE_ID}#RECEIPT#00001#PLACE`;

describe('Function: merchantSlug', () => {
  it.each([
    ['Target', 'TARGET'],
    ["Trader Joe's #12", 'TRADER_JOE_S_12'],
    ['  Wild   Fork  ', 'WILD_FORK'],
    ['__café__', 'CAF'],
    ['!!!', ''],
  ])('slugs %j as %j', (name, slug) => {
    // Act
    const result = merchantSlug(name);

    // Assess
    expect(result).toBe(slug);
  });
});

describe('Function: receiptPlaceKeys', () => {
  it('builds every key', () => {
    // Act
    const keys = receiptPlaceKeys(expectedPlace());

    // Assess
    expect(keys).toEqual({
      PK: `IMAGE#${IMAGE_ID}`,
      SK: 'RECEIPT#00001#PLACE',
      GSI1PK: 'MERCHANT#TARGET',
      GSI1SK: SORT,
      GSI2PK: 'PLACE#ChIJ-target-123',
      GSI2SK: SORT,
      GSI3PK: 'PLACE_VALIDATION',
      GSI3SK: `CONFIDENCE#0.9500#STATUS#MATCHED#IMAGE#${IMAGE_ID}`,
      GSI4PK: `IMAGE#${IMAGE_ID}#RECEIPT#00001`,
      GSI4SK: '1_PLACE',
    });
  });

  it('leaves GSI2 out for an unmatched place (empty place id)', () => {
    // Act
    const keys = receiptPlaceKeys({ ...expectedPlace(), place_id: '' });

    // Assess
    expect([keys.GSI2PK, keys.GSI2SK]).toEqual([null, null]);
  });

  it.each([
    [1, '1.0000'],
    [0, '0.0000'],
    [0.12345, '0.1235'],
    // Exact binary ties round to even like Python's f"{x:.4f}" (toFixed would give 0.0313).
    [0.03125, '0.0312'],
    [0.09375, '0.0938'],
    [0.99995, '1.0000'],
  ])('formats confidence %d as CONFIDENCE#%s', (confidence, text) => {
    // Act
    const keys = receiptPlaceKeys({ ...expectedPlace(), confidence, validation_status: '' });

    // Assess
    expect(keys.GSI3SK).toBe(`CONFIDENCE#${text}#STATUS##IMAGE#${IMAGE_ID}`);
  });

  it('pads receipt ids to five digits and prints wider ids in full', () => {
    // Act
    const keys = receiptPlaceKeys({ ...expectedPlace(), receipt_id: 123456 });

    // Assess
    expect([keys.SK, keys.GSI4PK]).toEqual([
      'RECEIPT#123456#PLACE',
      `IMAGE#${IMAGE_ID}#RECEIPT#123456`,
    ]);
  });
});

describe('Function: ReceiptPlaceSchema', () => {
  it('fills the Python defaults for omitted optional fields', () => {
    // Prepare
    const minimal = { image_id: UUID_V5, receipt_id: 3, place_id: '', merchant_name: 'Vons' };

    // Act
    const place = ReceiptPlaceSchema.parse(minimal);

    // Assess
    expect(place).toMatchObject({
      place_id: '',
      confidence: 0,
      places_api_version: 'v1',
      validated_by: '',
      timestamp: null,
      merchant_types: [],
      address_components: {},
      latitude: null,
      open_now: null,
    });
  });

  it('removes duplicate list entries and keeps the first occurrence order', () => {
    // Prepare
    const place = { ...expectedPlace(), merchant_types: ['store', 'food', 'store', 'food'] };

    // Act
    const result = ReceiptPlaceSchema.parse(place);

    // Assess
    expect(result.merchant_types).toEqual(['store', 'food']);
  });

  it.each([
    ['confidence', 1.5, 'confidence must be between 0.0 and 1.0, got 1.5'],
    ['confidence', -0.1, 'confidence must be between 0.0 and 1.0, got -0.1'],
    ['confidence', null, 'confidence must be between 0.0 and 1.0, got None'],
    ['merchant_name', '   ', 'merchant_name cannot be empty'],
    [
      'merchant_name',
      '!!!',
      "merchant_name '!!!' contains no alphanumeric characters and would produce an invalid GSI1 key",
    ],
    ['merchant_name', 7, 'merchant_name must be a string'],
    ['place_id', '  ', 'place_id cannot contain only whitespace'],
    ['latitude', 91, 'latitude out of range: 91.0'],
    ['longitude', -180.5, 'longitude out of range: -180.5'],
    ['viewport_ne_lat', -90.01, 'viewport_ne_lat out of range: -90.01'],
    ['viewport_sw_lng', 200, 'viewport_sw_lng out of range: 200.0'],
    [
      'validated_by',
      'GPT',
      'ValidationMethod must be one of: PHONE_LOOKUP, ADDRESS_LOOKUP, NEARBY_LOOKUP, TEXT_SEARCH, INFERENCE\nGot: GPT',
    ],
    ['merchant_types', ['store', ' '], 'merchant_types must be a list of strings'],
    ['hours_summary', 'Monday', 'hours_summary must be a list of strings'],
    ['address_components', 'city', 'address_components must be a dictionary'],
    ['open_now', 'yes', 'open_now must be a boolean or None'],
    ['timestamp', 'nope', "Invalid isoformat string: 'nope'"],
    ['timestamp', 5, 'timestamp must be a datetime'],
    ['image_id', 'not-a-uuid', 'uuid must be a valid UUIDv4'],
    ['receipt_id', 0, 'receipt_id must be positive'],
    ['receipt_id', 1.5, 'receipt_id must be an integer'],
    ['reasoning', null, 'reasoning must be a string'],
  ])('rejects %s = %j with the Python message', (field, value, message) => {
    // Prepare
    const place = { ...expectedPlace(), [field]: value };

    // Act
    const result = ReceiptPlaceSchema.safeParse(place);

    // Assess
    expect(issuesOf(result)).toEqual([[field, message]]);
  });

  it('accepts the edges of every range', () => {
    // Prepare
    const place = {
      ...expectedPlace(),
      confidence: 1,
      latitude: -90,
      longitude: 180,
      viewport_ne_lat: 90,
      viewport_sw_lng: -180,
    };

    // Act
    const result = ReceiptPlaceSchema.safeParse(place);

    // Assess
    expect(result.success).toBe(true);
  });
});

describe('Function: ReceiptPlaceItemSchema', () => {
  it('reads a current item into the entity', () => {
    // Act
    const place = ReceiptPlaceItemSchema.parse(placeItem());

    // Assess
    expect(place).toEqual(expectedPlace());
  });

  it('reads a older-layout row: GEOHASH GSI4, geohash attribute, SS lists, JSON maps, PLACE# GSI2', () => {
    // Act
    const result = ReceiptPlaceItemSchema.safeParse(seedPlaceItem());

    // Assess
    expect(issuesOf(result)).toEqual([]);
    expect(result.data).toMatchObject({
      place_id: '',
      merchant_name: 'Costco Wholesale',
      merchant_types: ['store', 'warehouse_store'],
      photo_references: ['photo-a', 'photo-b'],
      address_components: { city: 'Westlake Village' },
      hours_data: { weekday_text: ['Mon'] },
      latitude: 34.15,
      confidence: 0,
      places_api_version: 'v1',
    });
    expect(result.data).not.toHaveProperty('geohash');
  });

  it('still checks GSI4SK on a geohash row: only the legacy PLACE# shape is accepted', () => {
    // Prepare
    const item = { ...seedPlaceItem(), GSI4SK: { S: 'GEOHASH' } };

    // Act
    const result = ReceiptPlaceItemSchema.safeParse(item);

    // Assess
    expect(issuesOf(result)).toEqual([
      ['GSI4SK', 'GSI4SK does not match entity keys: got "GEOHASH" but the entity gives "1_PLACE"'],
    ]);
  });

  it.each(['PK', 'SK', 'TYPE', 'image_id', 'receipt_id', 'place_id', 'merchant_name'])(
    'reports a missing %s with the Python message',
    (name) => {
      // Act
      const result = ReceiptPlaceItemSchema.safeParse(omit(placeItem(), name));

      // Assess
      expect(issuesOf(result)).toEqual([[name, `Item is missing required keys: {'${name}'}`]]);
    },
  );

  it('rejects another TYPE', () => {
    // Prepare
    const item = { ...placeItem(), TYPE: { S: 'RECEIPT_METADATA' } };

    // Act
    const result = ReceiptPlaceItemSchema.safeParse(item);

    // Assess
    expect(issuesOf(result)).toEqual([['TYPE', 'TYPE must be RECEIPT_PLACE']]);
  });

  it('rejects an unknown attribute, as the Python constructor does', () => {
    // Prepare
    const item = { ...placeItem(), rating: { N: '4.5' } };

    // Act
    const result = ReceiptPlaceItemSchema.safeParse(item);

    // Assess
    expect(issuesOf(result)).toEqual([['rating', "unexpected attribute 'rating'"]]);
  });

  it('reads NULL strings as "" and tells a NULL places_api_version from a missing one', () => {
    // Prepare
    const nullVersion = { ...placeItem(), places_api_version: { NULL: true } };
    const noVersion = omit(placeItem(), 'places_api_version', 'timestamp', 'confidence');

    // Act
    const fromNull = ReceiptPlaceItemSchema.parse(nullVersion);
    const fromMissing = ReceiptPlaceItemSchema.parse({
      ...noVersion,
      GSI3SK: { S: `CONFIDENCE#0.0000#STATUS#MATCHED#IMAGE#${IMAGE_ID}` },
    });

    // Assess
    expect([fromNull.places_api_version, fromNull.short_address]).toEqual(['', '']);
    expect(fromMissing).toMatchObject({ places_api_version: 'v1', timestamp: null, confidence: 0 });
  });

  it.each([
    ['address_components', { S: '{not json' }, 'Invalid address_components JSON'],
    ['hours_data', { S: '' }, 'Invalid hours_data JSON'],
    ['address_components', { S: '["a"]' }, 'address_components must be a dictionary'],
    ['hours_data', { N: '1' }, 'hours_data must be a dictionary'],
  ])('rejects %s = %j', (name, value, message) => {
    // Prepare
    const item = { ...placeItem(), [name]: value };

    // Act
    const result = ReceiptPlaceItemSchema.safeParse(item);

    // Assess
    expect(issuesOf(result)).toEqual([[name, message]]);
  });

  it('reports entity rules at the attribute path', () => {
    // Prepare
    const item = {
      ...placeItem(),
      confidence: { N: '1.5' },
      latitude: { N: '-91' },
      matched_fields: { L: [{ S: 'name' }, { S: '' }] },
    };

    // Act
    const result = ReceiptPlaceItemSchema.safeParse(item);

    // Assess
    expect(issuesOf(result)).toEqual([
      ['latitude', 'latitude out of range: -91.0'],
      ['matched_fields', 'matched_fields must be a list of strings'],
      ['confidence', 'confidence must be between 0.0 and 1.0, got 1.5'],
    ]);
  });

  it('fails with a clear issue when the stream Keys disagree with image_id/receipt_id', () => {
    // Prepare: the stream injects PK/SK from the record Keys
    const item = {
      ...placeItem(),
      PK: { S: `IMAGE#${UUID_V5}` },
      SK: { S: 'RECEIPT#00002#PLACE' },
    };

    // Act
    const result = ReceiptPlaceItemSchema.safeParse(item);

    // Assess
    expect(issuesOf(result)).toEqual([
      [
        'PK',
        `PK does not match entity keys: got "IMAGE#${UUID_V5}" but the image_id/receipt_id attributes give "IMAGE#${IMAGE_ID}"`,
      ],
      [
        'SK',
        'SK does not match entity keys: got "RECEIPT#00002#PLACE" but the image_id/receipt_id attributes give "RECEIPT#00001#PLACE"',
      ],
    ]);
  });

  it.each([
    ['GSI1SK', `IMAGE#${IMAGE_ID}#RECEIPT#00002#PLACE`],
    ['GSI2SK', `IMAGE#${IMAGE_ID}#RECEIPT#00002#PLACE`],
    ['GSI3PK', 'MERCHANT_VALIDATION'],
    ['GSI4PK', `IMAGE#${IMAGE_ID}#RECEIPT#00002`],
    ['GSI4SK', '2_PLACE'],
    ['GSI1PK', 'MERCHANT#thousand oaks'],
    ['GSI1PK', 'MERCHANT#'],
    ['GSI1PK', 'MERCHANT#_TARGET'],
    ['GSI2PK', 'PLACE#   '],
    ['GSI2PK', 'GOOGLE#ChIJ'],
    ['GSI3SK', `CONFIDENCE#1.5000#STATUS#MATCHED#IMAGE#${IMAGE_ID}`],
    ['GSI3SK', `CONFIDENCE#0.95#STATUS#MATCHED#IMAGE#${IMAGE_ID}`],
    ['GSI3SK', `CONFIDENCE#0.9500#STATUS#MATCHED#IMAGE#${UUID_V5}`],
  ])('rejects a %s of %j', (key, value) => {
    // Prepare
    const item = { ...placeItem(), [key]: { S: value } };

    // Act
    const result = ReceiptPlaceItemSchema.safeParse(item);

    // Assess
    expect(issuesOf(result)).toEqual([
      [key, expect.stringContaining(`${key} does not match entity keys`)],
    ]);
  });

  it.each([
    ['GSI1PK', 'MERCHANT#THOUSAND_OAKS'],
    ['GSI2PK', 'PLACE#ChIJ-old-place'],
    ['GSI3SK', `CONFIDENCE#0.8000#STATUS#UNSURE#IMAGE#${IMAGE_ID}`],
    ['GSI3SK', `CONFIDENCE#1.0000#STATUS#A#B#IMAGE#${IMAGE_ID}`],
  ])('tolerates a stale but well-formed %s of %j', (key, value) => {
    // Prepare
    const item = { ...placeItem(), [key]: { S: value } };

    // Act
    const result = ReceiptPlaceItemSchema.safeParse(item);

    // Assess
    expect(issuesOf(result)).toEqual([]);
  });

  it('accepts an item without any GSI attributes', () => {
    // Prepare
    const item = omit(placeItem(), 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK', 'GSI3PK', 'GSI3SK');

    // Act
    const result = ReceiptPlaceItemSchema.safeParse(omit(item, 'GSI4PK', 'GSI4SK'));

    // Assess
    expect(result.data).toEqual(expectedPlace());
  });

  it.each([
    ['a GSI2PK naming a place', { ...seedPlaceItem(), GSI2PK: { S: 'PLACE#ChIJ-x' } }, 'GSI2PK'],
    ['GSI2PK without GSI2SK', omit(seedPlaceItem(), 'GSI2SK'), 'GSI2SK'],
    ['GSI2SK without GSI2PK', omit(seedPlaceItem(), 'GSI2PK'), 'GSI2PK'],
    [
      'a GSI2SK of another receipt',
      { ...seedPlaceItem(), GSI2SK: { S: `IMAGE#${IMAGE_ID}#RECEIPT#00009#PLACE` } },
      'GSI2SK',
    ],
  ])('accepts only the exact legacy GSI2 for an empty place id: rejects %s', (_, item, key) => {
    // Act
    const result = ReceiptPlaceItemSchema.safeParse(item);

    // Assess
    expect(issuesOf(result)).toEqual([
      [key, expect.stringContaining(`${key} does not match entity keys`)],
    ]);
  });
});

describe('Function: receiptPlaceToItem', () => {
  it('writes exactly the item Python writes', () => {
    // Act
    const item = receiptPlaceToItem(expectedPlace());

    // Assess
    expect(item).toEqual(placeItem());
  });

  it('omits GSI2 for an empty place id and writes NULL for empty optional strings', () => {
    // Prepare
    const place = ReceiptPlaceSchema.parse({
      image_id: IMAGE_ID,
      receipt_id: 1,
      place_id: '',
      merchant_name: 'Vons',
      places_api_version: '',
    });

    // Act
    const item = receiptPlaceToItem(place);

    // Assess
    expect(item).not.toHaveProperty('GSI2PK');
    expect(item).not.toHaveProperty('GSI2SK');
    expect(item).not.toHaveProperty('timestamp');
    expect(item).not.toHaveProperty('merchant_types');
    expect(item).not.toHaveProperty('address_components');
    expect(item['places_api_version']).toEqual({ NULL: true });
    expect(item['confidence']).toEqual({ N: '0.0' });
    expect(item['GSI3SK']).toEqual({ S: `CONFIDENCE#0.0000#STATUS##IMAGE#${IMAGE_ID}` });
  });

  it('round-trips a older-layout row into the current layout', () => {
    // Prepare
    const seed = ReceiptPlaceItemSchema.parse(seedPlaceItem());

    // Act
    const item = receiptPlaceToItem(seed);
    const reread = ReceiptPlaceItemSchema.parse(item);

    // Assess
    expect(reread).toEqual(seed);
    expect(item['GSI4PK']).toEqual({ S: `IMAGE#${IMAGE_ID}#RECEIPT#00001` });
    expect(item['merchant_types']).toEqual({ L: [{ S: 'store' }, { S: 'warehouse_store' }] });
    expect(item['address_components']).toEqual({ M: { city: { S: 'Westlake Village' } } });
    expect(item).not.toHaveProperty('geohash');
  });
});
