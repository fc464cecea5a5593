/// <reference path="../../../../../scripts/vitest/globalSetup.ts" />
import { inject } from 'vitest';

/** Base URL of the moto server started by the integration global setup. */
export const motoEndpoint = (): string => inject('motoEndpoint');

/** Client settings for moto: its endpoint, `us-east-1` and dummy credentials. */
export interface MotoClientConfig {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** Settings that point an AWS SDK v3 client at the moto server. */
export const motoClientConfig = (): MotoClientConfig => ({
  endpoint: motoEndpoint(),
  region: 'us-east-1',
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
});
