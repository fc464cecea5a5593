import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One figure a scenario measured, e.g. `records fuzzed: 100,000`. */
export interface Figure {
  readonly figure: string;
  readonly value: number | string;
}

/** The figures of one scenario, as the report prints them. */
export interface ScenarioFigures {
  readonly scenario: string;
  readonly figures: readonly Figure[];
}

/** Where scenarios leave their figures for the report (one JSON file each). */
export const FIGURES_DIR: string = join(
  import.meta.dirname,
  '..',
  '..',
  '.test-services',
  'reliability',
);

/** Records a scenario's figures (a test worker writes them; the report reads them at the end). */
export const recordFigures = (scenario: string, figures: readonly Figure[]): void => {
  mkdirSync(FIGURES_DIR, { recursive: true });
  const file = join(FIGURES_DIR, `${scenario.replace(/[^a-z0-9]+/gi, '-')}.json`);
  writeFileSync(file, JSON.stringify({ scenario, figures } satisfies ScenarioFigures));
};

/** Every scenario's figures recorded so far, by scenario name. */
export const readFigures = (): ScenarioFigures[] => {
  let files: string[];
  try {
    files = readdirSync(FIGURES_DIR).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
  return files
    .map((name) => JSON.parse(readFileSync(join(FIGURES_DIR, name), 'utf8')) as ScenarioFigures)
    .sort((a, b) => a.scenario.localeCompare(b.scenario));
};

const format = (value: number | string): string =>
  typeof value === 'number' ? value.toLocaleString('en-US') : value;

/** The figures as a Markdown table. */
export const figuresTable = (all: readonly ScenarioFigures[]): string => {
  const rows = all.flatMap(({ scenario, figures }) =>
    figures.map(({ figure, value }) => [scenario, figure, format(value)]),
  );
  const widths = [0, 1, 2].map((column) =>
    Math.max(
      ['Scenario', 'Figure', 'Value'][column]?.length ?? 0,
      ...rows.map((row) => row[column]?.length ?? 0),
    ),
  );
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, index) => cell.padEnd(widths[index] ?? 0)).join(' | ')} |`;
  return [
    line(['Scenario', 'Figure', 'Value']),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map(line),
  ].join('\n');
};
