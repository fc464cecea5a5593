import type { DownloadedSnapshot, DownloadSnapshotOptions } from './types.js';

/** Downloads and verifies a version (being built). */
export async function downloadSnapshot(
  _options: DownloadSnapshotOptions,
): Promise<DownloadedSnapshot> {
  throw new Error('downloadSnapshot: not built yet');
}
