import { describe, expect, it } from 'vitest';
import { InMemoryLockStore } from '../../../src/testing/InMemoryLockStore.js';
import { describeLockStoreContract } from '../../contracts/lockStore.contract.js';

describeLockStoreContract('InMemoryLockStore', async () => {
  const store = new InMemoryLockStore();
  return {
    store,
    putPythonLock: async (lock) => {
      store.put(lock);
    },
    deleteLock: async (lock) => {
      store.delete(lock);
    },
  };
});

describe('Class: InMemoryLockStore', () => {
  it('reports whether a deleted lock existed', () => {
    // Prepare
    const store = new InMemoryLockStore();

    // Act
    const deleted = store.delete({ lockId: 'missing', collection: 'words' });

    // Assess
    expect(deleted).toBe(false);
  });
});
