/**
 * What `receipt-chroma` prints for people: aligned tables, `name: value` blocks and sizes.
 * (`--json` prints one JSON document instead; see `CommandContext.result`.)
 * @packageDocumentation
 */

/** One column of a table. */
export interface TableColumn<Row> {
  /** The header. */
  readonly header: string;
  /** The cell text of a row. */
  readonly cell: (row: Row) => string;
  /**
   * Right-aligned (numbers).
   * @default false
   */
  readonly right?: boolean | undefined;
}

/** Cells may not break the grid: newlines and tabs become spaces. */
const flat = (text: string): string => text.replace(/[\r\n\t]+/g, ' ');

/**
 * Formats rows as an aligned table with a header line, columns two spaces apart, no
 * trailing spaces; one line per row, each ending in a newline.
 * @param rows - The rows.
 * @param columns - The columns, in order.
 * @returns The table's text; only the header when there are no rows.
 */
export const formatTable = <Row>(
  rows: readonly Row[],
  columns: readonly TableColumn<Row>[],
): string => {
  const padded = columns.map((column) => {
    const texts = [column.header, ...rows.map((row) => flat(column.cell(row)))];
    const width = Math.max(...texts.map((text) => text.length));
    return texts.map((text) => (column.right === true ? text.padStart(width) : text.padEnd(width)));
  });
  return Array.from(
    { length: rows.length + 1 },
    (_, line) =>
      `${padded
        .map((texts) => texts[line])
        .join('  ')
        .trimEnd()}\n`,
  ).join('');
};

/**
 * Formats `name: value` lines with the values aligned; `undefined` values are left out.
 * @param fields - Pairs of name and value, in order.
 */
export const formatFields = (
  fields: readonly (readonly [string, string | number | undefined])[],
): string => {
  const shown = fields.filter(
    (field): field is readonly [string, string | number] => field[1] !== undefined,
  );
  const width = Math.max(0, ...shown.map(([name]) => name.length + 1));
  return shown.map(([name, value]) => `${`${name}:`.padEnd(width)}  ${value}\n`).join('');
};

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/**
 * A byte count for people: `512 B`, `1.5 KiB`, `237.0 MiB`.
 * @param bytes - A count of bytes.
 */
export const formatBytes = (bytes: number): string => {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
};

/**
 * A time for people, in UTC to the second: `2026-01-04 12:34:56Z`; `-` when unknown.
 * @param date - The time.
 */
export const formatTime = (date: Date | undefined): string =>
  date === undefined ? '-' : `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;

/**
 * A count with thousands separators (`12,345`), `-` when unknown.
 * @param count - The count.
 */
export const formatCount = (count: number | undefined): string =>
  count === undefined ? '-' : count.toLocaleString('en-US');
