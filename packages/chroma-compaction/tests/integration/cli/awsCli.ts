/// <reference path="../../../../../scripts/vitest/globalSetup.ts" />
import { inject } from 'vitest';

/** The environment a CLI run on moto gets: what any AWS user sets, nothing moto-specific. */
export const AWS_ENV: Readonly<Record<string, string>> = {
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_REGION: 'us-east-1',
};

/** `--endpoint <moto>`: the option an operator adds for moto, MinIO or LocalStack. */
export const motoEndpointOption = (): string => `--endpoint ${inject('motoEndpoint')}`;
