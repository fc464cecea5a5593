import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIGURES_DIR, figuresTable, readFigures } from './figures.js';
import { profile } from './profile.js';

/**
 * Clears the figures of the last run, and prints this run's as one table when it ends. The
 * full profile also writes them to `reliability/RESULTS.md`, which the README quotes.
 */
export function setup(): () => void {
  rmSync(FIGURES_DIR, { recursive: true, force: true });
  return () => {
    const figures = readFigures();
    if (figures.length === 0) return;
    const table = figuresTable(figures);
    process.stdout.write(`\nReliability figures (${profile.name} profile):\n\n${table}\n\n`);
    if (profile.name !== 'full') return;
    const results = [
      '# Reliability figures',
      '',
      'Reproduce with `npm run reliability` (the full profile) from the repository root.',
      '',
      `- Date: ${new Date().toISOString()}`,
      `- Node: ${process.version}`,
      '',
      table,
      '',
    ].join('\n');
    writeFileSync(join(import.meta.dirname, '..', 'RESULTS.md'), results);
  };
}
