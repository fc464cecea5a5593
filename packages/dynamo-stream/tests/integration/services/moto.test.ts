import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findFreePort, startMoto } from '../../../../../scripts/services/moto.mjs';
import { motoEndpoint } from '../helpers/services.js';

const scratch = mkdtempSync(join(tmpdir(), 'moto-check-'));

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('Function: startMoto', () => {
  it('gives the shared server to tests through inject', async () => {
    // Act
    const response = await fetch(`${motoEndpoint()}/moto-api/`);

    // Assess
    expect(response.status).toBeLessThan(500);
  });

  it('starts a server on the requested port, logs to the given folder and stops idempotently', async () => {
    // Prepare
    const port = await findFreePort();

    // Act
    const moto = await startMoto({ port, logDir: scratch });
    const answered = await fetch(`${moto.endpoint}/moto-api/`);
    await Promise.all([moto.stop(), moto.stop()]);
    await moto.stop();

    // Assess
    expect(moto.endpoint).toBe(`http://127.0.0.1:${port}`);
    expect(answered.status).toBeLessThan(500);
    expect(existsSync(moto.logFile)).toBe(true);
    expect(moto.logFile.slice(0, scratch.length)).toBe(scratch);
    expect(isRunning(moto.pid)).toBe(false);
    await expect(fetch(`${moto.endpoint}/moto-api/`)).rejects.toThrow();
  });

  it('fails with an install hint when the interpreter does not exist', async () => {
    // Act & Assess
    await expect(startMoto({ python: join(scratch, 'no-such-python') })).rejects.toThrow(
      'pip install "moto[server]"',
    );
  });

  it('fails with an install hint when the interpreter cannot import moto', async () => {
    // Prepare: an "interpreter" whose imports always fail, as a Python without moto would.
    const fake = join(scratch, 'python-without-moto');
    writeFileSync(
      fake,
      '#!/bin/sh\necho "ModuleNotFoundError: No module named \'moto\'" >&2\nexit 1\n',
    );
    chmodSync(fake, 0o755);

    // Act & Assess
    await expect(startMoto({ python: fake })).rejects.toThrow(
      /No module named 'moto'.*pip install "moto\[server\]"/,
    );
  });
});
