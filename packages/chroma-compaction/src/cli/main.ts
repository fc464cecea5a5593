#!/usr/bin/env node
/**
 * The `receipt-chroma` bin: runs the CLI on the process's arguments and streams and sets the
 * exit code (it never calls `process.exit`, so pending output is flushed).
 * @packageDocumentation
 */
import { nodeIo } from './nodeIo.js';
import { runCli } from './runCli.js';

// Output piped into a program that stops reading (`| head`) is not an error of ours.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

// No top-level await: the same entry builds as CommonJS too. `runCli` reports every error
// itself and resolves with the exit code.
void runCli(process.argv.slice(2), nodeIo()).then((code) => {
  process.exitCode = code;
});
