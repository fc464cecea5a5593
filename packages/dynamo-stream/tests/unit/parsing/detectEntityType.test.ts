import { describe, expect, it } from 'vitest';
import { detectEntityType } from '../../../src/parsing/detectEntityType.js';
import { DEFAULT_ENTITY_REGISTRY } from '../../../src/parsing/entityDefinitions.js';
import { defineEntity } from '../../../src/parsing/registry.js';

describe('Function: detectEntityType', () => {
  it.each([
    ['RECEIPT#00001#PLACE', 'RECEIPT_PLACE'],
    ['RECEIPT#99999#PLACE', 'RECEIPT_PLACE'],
    ['ANYTHING#PLACE', 'RECEIPT_PLACE'],
    ['RECEIPT#00001#LINE#00001#WORD#00001#LABEL#TOTAL', 'RECEIPT_WORD_LABEL'],
    ['ANYTHING#LABEL#TEST', 'RECEIPT_WORD_LABEL'],
    ['RECEIPT#00001#COMPACTION_RUN#abc', 'COMPACTION_RUN'],
    ['ANYTHING#COMPACTION_RUN#test', 'COMPACTION_RUN'],
    ['#COMPACTION_RUN#x', 'COMPACTION_RUN'],
    ['RECEIPT#00001#SECTION#HEADER', 'RECEIPT_SECTION'],
    ['RECEIPT#00001#SECTION#ITEMS', 'RECEIPT_SECTION'],
    ['RECEIPT#00001#SECTION#SUMMARY', 'RECEIPT_SECTION'],
    ['#SECTION#', 'RECEIPT_SECTION'],
    ['RECEIPT#00001#SUMMARY', 'RECEIPT_SUMMARY'],
    ['ANYTHING#SUMMARY', 'RECEIPT_SUMMARY'],
    ['RECEIPT#00001#LINE#00001#WORD#00001', 'RECEIPT_WORD'],
    ['RECEIPT#00001#LINE#00001', 'RECEIPT_LINE'],
    ['RECEIPT#00001', 'RECEIPT'],
    ['RECEIPT#abc', 'RECEIPT'],
  ])('detects %s as %s (spec §4)', (sk, expected) => {
    // Act & Assess
    expect(detectEntityType(sk)).toBe(expected);
  });

  it.each([
    'RECEIPT',
    '',
    'RANDOM#PATTERN',
    'USER#12345',
    'IMAGE#abc123',
    'IMAGE',
    'LOCK',
    'receipt#00001#place',
    'RECEIPT#00001#place',
    'RECEIPT#00001#METADATA',
    'RECEIPT#00001#LINE_ITEM#00001',
    'RECEIPT#00001#ROW#00001',
    'RECEIPT#00001#ANALYSIS#LABELS',
    'RECEIPT#00001#BARCODE#00001',
    'RECEIPT#1#ANALYSIS#VALIDATION#CHATGPT#2026-01-01T00:00:00',
    'LINE#00001',
    'LINE#00001#WORD#00001',
    'RECEIPT#00001#WORD#00001',
  ])('returns null for %j', (sk) => {
    // Act & Assess
    expect(detectEntityType(sk)).toBeNull();
  });

  describe('fixes of Python quirks (spec §14)', () => {
    it('keeps a label whose name starts with PLACE a word label', () => {
      // Act & Assess
      expect(detectEntityType('RECEIPT#00001#LINE#00002#WORD#00003#LABEL#PLACE_NAME')).toBe(
        'RECEIPT_WORD_LABEL',
      );
      expect(detectEntityType('RECEIPT#00001#LINE#00002#WORD#00003#LABEL#PLACE')).toBe(
        'RECEIPT_WORD_LABEL',
      );
    });

    it('does not treat a #PLACES suffix as a place', () => {
      // Act & Assess
      expect(detectEntityType('RECEIPT#00001#PLACES')).toBeNull();
    });

    it.each([
      'RECEIPT#00001#LINE#00001#WORD#00001#LETTER#00001',
      'RECEIPT#00001#LINE#00001#WORD#00001#SPATIAL_ANALYSIS',
    ])('does not treat %s (below a word) as a word or a line', (sk) => {
      // Act & Assess
      expect(detectEntityType(sk)).toBeNull();
    });
  });

  it('lets a prepended definition take precedence over the built-in types', () => {
    // Prepare
    const lineItem = defineEntity({
      entityType: 'RECEIPT_LINE_ITEM',
      matchesSortKey: (sk) => sk.includes('#LINE_ITEM#'),
      relevantFields: [],
    });
    const registry = [lineItem, ...DEFAULT_ENTITY_REGISTRY];

    // Act & Assess
    expect(detectEntityType('RECEIPT#00001#LINE_ITEM#00002', registry)).toBe('RECEIPT_LINE_ITEM');
    expect(detectEntityType('RECEIPT#00001#PLACE', registry)).toBe('RECEIPT_PLACE');
    expect(detectEntityType('RECEIPT#00001#LINE_ITEM#00002')).toBeNull();
  });
});
