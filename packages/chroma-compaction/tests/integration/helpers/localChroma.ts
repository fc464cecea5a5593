/// <reference path="../../../../../scripts/vitest/chromaSetup.ts" />
import { ChromaClient } from 'chromadb';
import { inject } from 'vitest';

/** A chromadb client for the shared Chroma server of the integration global setup. */
export const sharedChromaClient = (): ChromaClient => {
  const url = new URL(inject('chromaUrl'));
  return new ChromaClient({
    host: url.hostname,
    port: Number(url.port),
    ssl: url.protocol === 'https:',
  });
};

/**
 * The `command` to pass to `startLocalChroma` for another server: Node.js through the glibc
 * shim where the system's glibc is too old for Chroma's native binding.
 */
export const chromaCommand = (): string[] => inject('chromaCommand');
