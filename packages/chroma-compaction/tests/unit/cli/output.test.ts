import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatCount,
  formatFields,
  formatTable,
  formatTime,
} from '../../../src/cli/output.js';

describe('formatTable', () => {
  it('aligns columns two spaces apart, numbers to the right, with no trailing spaces', () => {
    // Prepare
    const rows = [
      { name: 'lines', size: 1536, note: '' },
      { name: 'words-long', size: 7, note: 'two\nlines' },
    ];

    // Act
    const table = formatTable(rows, [
      { header: 'NAME', cell: (row) => row.name },
      { header: 'SIZE', cell: (row) => String(row.size), right: true },
      { header: 'NOTE', cell: (row) => row.note },
    ]);

    // Assess
    expect(table).toBe('NAME        SIZE  NOTE\nlines       1536\nwords-long     7  two lines\n');
  });

  it('prints only the header for no rows', () => {
    // Act
    const table = formatTable([], [{ header: 'ID', cell: (row: string) => row }]);

    // Assess
    expect(table).toBe('ID\n');
  });
});

describe('formatFields', () => {
  it('aligns values and leaves out undefined ones', () => {
    // Act
    const text = formatFields([
      ['version', 'v1'],
      ['parent', undefined],
      ['fence', 0],
    ]);

    // Assess
    expect(text).toBe('version:  v1\nfence:    0\n');
  });
});

describe('formatBytes, formatCount, formatTime', () => {
  it('format for people', () => {
    // Act
    const texts = [
      formatBytes(0),
      formatBytes(1023),
      formatBytes(1536),
      formatBytes(237 * 1024 ** 2),
      formatBytes(5 * 1024 ** 4 * 1024),
      formatCount(30000),
      formatCount(undefined),
      formatTime(new Date(Date.UTC(2026, 0, 4, 12, 34, 56, 789))),
      formatTime(undefined),
    ];

    // Assess
    expect(texts).toEqual([
      '0 B',
      '1023 B',
      '1.5 KiB',
      '237.0 MiB',
      '5120.0 TiB',
      '30,000',
      '-',
      '2026-01-04 12:34:56Z',
      '-',
    ]);
  });
});
