import type { PublishedSnapshot, PublishSnapshotOptions } from './types.js';

/** Publishes a persist directory as a new version (being built). */
export async function publishSnapshot(
  _options: PublishSnapshotOptions,
): Promise<PublishedSnapshot> {
  throw new Error('publishSnapshot: not built yet');
}
