import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DynamoLockStore } from '../../../src/adapters/dynamodb/DynamoLockStore.js';
import { LockManager } from '../../../src/locks/LockManager.js';
import { runReceiptChroma } from '../../helpers/cliRun.js';
import {
  createReceiptsTable,
  deleteTable,
  motoDynamoDbClient,
  serializedClient,
} from '../helpers/motoDynamoDb.js';
import { AWS_ENV, motoEndpointOption } from './awsCli.js';

let dynamo: DynamoDBClient;
let table: string;

beforeAll(async () => {
  dynamo = motoDynamoDbClient();
  table = await createReceiptsTable(dynamo, 'cli-lock', { withGsi1: true });
});

afterAll(async () => {
  await deleteTable(dynamo, table);
  dynamo.destroy();
});

describe('receipt-chroma lock (DynamoDB on moto)', () => {
  const managers: LockManager[] = [];
  const holder = async (collection: 'lines' | 'words', leaseMs?: number): Promise<LockManager> => {
    const manager = new LockManager({
      store: new DynamoLockStore({ client: serializedClient(dynamo), tableName: table }),
      collection,
      ...(leaseMs === undefined ? {} : { leaseMs, heartbeatMs: Math.floor(leaseMs / 3) }),
    });
    await manager.acquire();
    await manager.stopHeartbeat();
    managers.push(manager);
    return manager;
  };
  const lock = (command: string, options: Parameters<typeof runReceiptChroma>[1] = {}) =>
    runReceiptChroma(`lock ${command} --table ${table} ${motoEndpointOption()}`, {
      env: AWS_ENV,
      ...options,
    });

  afterEach(async () => {
    for (const manager of managers.splice(0)) {
      if (manager.isHeld) await manager.release().catch(() => undefined);
    }
  });

  it('show says a lock never taken is free, and names the holder of a held one', async () => {
    // Prepare
    const free = await lock('show lines');
    const manager = await holder('lines');

    // Act
    const held = await lock('show lines');
    const json = await lock('show lines --json');

    // Assess
    expect(free.stdout).toBe(
      `No lock item for chroma-lines-compaction (lines) in ${table}: the lock is free.\n`,
    );
    expect(held.code).toBe(0);
    expect(held.stdout).toMatch(/^state:\s+held \(expires in (4 min 5\d|5 min 0) s\)$/m);
    expect(held.stdout).toMatch(new RegExp(`^fence:\\s+${manager.fence}$`, 'm'));
    expect(json.json()).toMatchObject({
      lockId: 'chroma-lines-compaction',
      state: 'held',
      lock: { fence: manager.fence, collection: 'lines' },
    });
  });

  it('break refuses without --yes when there is no terminal, and when not confirmed', async () => {
    // Prepare
    const manager = await holder('words');

    // Act
    const noTerminal = await lock('break words');
    const declined = await lock('break words', { stdinIsTTY: true, confirm: false });

    // Assess
    expect(noTerminal.code).toBe(1);
    expect(noTerminal.stderr).toMatch(
      /^receipt-chroma: refusing to break chroma-words-compaction \(words\) held by [0-9a-f-]{36} \(fence \d+\) until \S+ without --yes \(no terminal to confirm on\)\n$/,
    );
    expect(declined.code).toBe(1);
    expect(declined.questions).toEqual([
      expect.stringMatching(
        /^Break the lock chroma-words-compaction \(words\) held by .* until .*\? \[y\/N\] $/,
      ),
    ]);
    expect(declined.stderr).toBe(
      'receipt-chroma: chroma-words-compaction (words) was not broken: not confirmed\n',
    );
    expect(await manager.validateOwnership()).toBe(true);
  });

  it('break releases the lock when confirmed or given --yes; its holder then loses it', async () => {
    // Prepare
    const first = await holder('words');

    // Act
    const confirmed = await lock('break words', { stdinIsTTY: true, confirm: true });
    const firstStillHolds = await first.validateOwnership();
    const second = await holder('words');
    const forced = await lock('break words --yes --json');
    const again = await lock('break words --yes');

    // Assess
    expect(confirmed.code).toBe(0);
    expect(confirmed.stdout).toMatch(/^Broke chroma-words-compaction \(words\), held by /);
    expect(firstStillHolds).toBe(false);
    expect(forced.json()).toMatchObject({
      broken: true,
      owner: expect.any(String),
      fence: second.fence,
    });
    expect(await second.validateOwnership()).toBe(false);
    expect(again.stdout).toBe('chroma-words-compaction (words) is not held: nothing to break.\n');
  });

  it('show and break tell an expired lock from a held one', async () => {
    // Prepare: a holder whose lease ran out (it died without releasing)
    const { fence } = await holder('lines', 300);
    await new Promise((wake) => setTimeout(wake, 400));

    // Act
    const shown = await lock('show lines');
    const broken = await lock('break lines --yes');

    // Assess
    expect(shown.stdout).toMatch(/^state:\s+expired \(free to take\)$/m);
    expect(broken.code).toBe(0);
    expect(broken.stdout).toMatch(
      new RegExp(
        `^Broke chroma-lines-compaction \\(lines\\), expired, held by [0-9a-f-]{36} \\(fence ${fence}\\) until `,
      ),
    );
  });
});
