/**
 * Child process of the import-time benchmarks: imports the module named by its first
 * argument (a file URL) and prints `{"ms": <duration>}`, timed with `performance.now()`
 * around that `await import()` only. Modules named by further arguments are imported first,
 * outside the timing (to measure a module's own cost once its dependencies are loaded).
 */
const [url, ...preload] = process.argv.slice(2);
if (url === undefined) throw new Error('usage: node importOnce.mjs <file URL> [preload URL…]');
for (const dependency of preload) await import(dependency);
const start = performance.now();
await import(url);
const ms = performance.now() - start;
// On its own last line, in case the module printed something.
process.stdout.write(`\n${JSON.stringify({ ms })}\n`);
