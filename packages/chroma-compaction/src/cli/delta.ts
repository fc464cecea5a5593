import { Argument, Command, Option } from 'commander';
import type { CliSession } from './CliSession.js';
import { addLeaf, COLLECTION_NAMES, integerValue } from './commandOptions.js';
import {
  type DeltaReadOptions,
  type DeltaWriteOptions,
  inspectDelta,
  verifyDelta,
  writeDeltaFile,
} from './deltaActions.js';

/** A leaf command on a delta prefix. */
const deltaLeaf = (name: string, description: string): Command =>
  new Command(name)
    .description(description)
    .addArgument(
      new Argument(
        '<prefix>',
        "the delta's key prefix, e.g. lines/delta/<run_id>/ (or s3://bucket/…)",
      ),
    );

const collectionOption = (description: string): Option =>
  new Option('--collection <collection>', description).choices(COLLECTION_NAMES);

/**
 * The `delta` command group: `inspect`, `verify` and `write` embedding deltas on S3
 * (`--bucket`) or in a directory (`--root`).
 * @param session - The run the commands belong to.
 */
export const deltaCommand = (session: CliSession): Command => {
  const group = new Command('delta').description('embedding deltas: inspect, verify, write');
  addLeaf(
    group,
    deltaLeaf('inspect', 'print the manifest, entry sizes and first record ids (no checks)')
      .option('--ids <n>', 'how many record ids to print', integerValue(0, 1000), 5)
      .action(
        session.action<DeltaReadOptions>((context, [prefix], options) =>
          inspectDelta(context, prefix as string, options),
        ),
      ),
    { store: true },
    ['receipt-chroma delta inspect lines/delta/run-1/ --bucket my-deltas'],
  );
  addLeaf(
    group,
    deltaLeaf('verify', 'read the whole delta, checking every entry and record')
      .addOption(collectionOption('the collection the delta must belong to'))
      .option(
        '--python',
        'read a Python-era delta (a Chroma persist directory) with a local Chroma',
      )
      .action(
        session.action<DeltaReadOptions>((context, [prefix], options) =>
          verifyDelta(context, prefix as string, options),
        ),
      ),
    { store: true, progress: true },
    [
      'receipt-chroma delta verify lines/delta/run-1/ --bucket my-deltas',
      'receipt-chroma delta verify words/delta/old-run/ --root ./store --collection words --python',
    ],
  );
  addLeaf(
    group,
    deltaLeaf('write', 'write a delta from an NDJSON file of {id, embedding, document?, metadata?}')
      .addOption(collectionOption('the collection the records belong to').makeOptionMandatory())
      .requiredOption('--from <file>', 'the NDJSON file, one record per line (- for stdin)')
      .option('--run-id <id>', 'the compaction run the delta belongs to (recorded in the manifest)')
      .option('--image-id <id>', 'the image of the receipt the delta holds')
      .option('--receipt-id <n>', 'the receipt the delta holds', integerValue(0))
      .action(
        session.action<DeltaWriteOptions>((context, [prefix], options) =>
          writeDeltaFile(context, prefix as string, options),
        ),
      ),
    { store: true, progress: true },
    [
      'receipt-chroma delta write lines/delta/run-1/ --collection lines --from lines.ndjson --root ./store --run-id run-1',
    ],
  );
  return group;
};
