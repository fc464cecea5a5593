/**
 * The metadata keys that record when the compactor applied a change, not what the table
 * holds: `last_place_update` / `place_removed_at` (a place written or cleared) and
 * `last_label_update` / `labels_removed_at` (a word's labels written or cleared). They are
 * set only by a message that changed something, so two deliveries of the same messages in
 * different orders end with the same records except, possibly, these keys. Leave them out
 * when comparing collections.
 */
export const HISTORY_METADATA_KEYS: readonly [
  'last_place_update',
  'place_removed_at',
  'last_label_update',
  'labels_removed_at',
] = ['last_place_update', 'place_removed_at', 'last_label_update', 'labels_removed_at'];
