/**
 * The options and arguments several commands share, declared once so every command spells
 * and documents them the same way.
 * @packageDocumentation
 */
import { Argument, type Command, InvalidArgumentError, Option } from 'commander';
import type { CollectionName } from '../compaction/types.js';

/** The collections the package keeps. */
export const COLLECTION_NAMES: readonly CollectionName[] = ['lines', 'words'];

/** The `<collection>` argument: `lines` or `words`. */
export const collectionArgument = (): Argument =>
  new Argument('<collection>', 'the collection').choices(COLLECTION_NAMES);

/**
 * A parser of an integer option value in `[min, max]`, for commander.
 * @param min - The smallest value allowed.
 * @param max - The largest value allowed.
 */
export const integerValue =
  (min: number, max: number = Number.MAX_SAFE_INTEGER): ((value: string) => number) =>
  (value) => {
    const number = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(number)) {
      throw new InvalidArgumentError('Expected an integer.');
    }
    if (number < min || number > max) {
      throw new InvalidArgumentError(
        max === Number.MAX_SAFE_INTEGER
          ? `Expected an integer of at least ${min}.`
          : `Expected an integer from ${min} to ${max}.`,
      );
    }
    return number;
  };

/**
 * Adds `--json` and `--debug` (and `--progress` for commands that move data).
 * @param command - The command.
 * @param options - Whether the command shows transfer progress.
 */
const withCommonOptions = (
  command: Command,
  { progress = false }: { readonly progress?: boolean } = {},
): Command => {
  command
    .option('--json', 'print one JSON document on stdout instead of a table')
    .option('--debug', 'print the stack of an unexpected error');
  if (progress) {
    command.option('--progress', 'show transfer progress on stderr even when it is not a terminal');
  }
  return command;
};

/** The options naming an object store. */
export interface StoreOptions {
  readonly bucket?: string | undefined;
  readonly root?: string | undefined;
}

/**
 * Adds `--bucket` and `--root` (exactly one of them is required; see `openObjectStore`).
 * @param command - The command.
 */
const withStoreOptions = (command: Command): Command =>
  command
    .addOption(
      new Option('--bucket <name>', 'the S3 bucket holding snapshots and deltas').conflicts('root'),
    )
    .addOption(new Option('--root <dir>', 'a directory used as the store (FileSystemObjectStore)'));

/** The options reaching AWS services. */
export interface AwsOptions {
  readonly endpoint?: string | undefined;
  readonly region?: string | undefined;
}

/**
 * Adds `--endpoint` and `--region`, shared by S3 and DynamoDB.
 * @param command - The command.
 */
const withAwsOptions = (command: Command): Command =>
  command
    .option(
      '--endpoint <url>',
      'an S3/DynamoDB-compatible endpoint such as moto or MinIO (S3 then uses path-style addressing)',
    )
    .option('--region <region>', 'the AWS region (default: AWS_REGION, then the SDK profile)');

/** The options naming the lock table and lock. */
export interface LockTableOptions {
  readonly table?: string | undefined;
  readonly lockId?: string | undefined;
}

/**
 * Adds `--table` and `--lock-id`.
 * @param command - The command.
 * @param required - Whether `--table` is mandatory.
 */
const withLockTableOptions = (command: Command, required: boolean): Command => {
  const table = '--table <name>';
  const description = 'the DynamoDB table holding the compaction lock';
  return (
    required ? command.requiredOption(table, description) : command.option(table, description)
  ).option(
    '--lock-id <id>',
    "the lock's id (default: chroma-<collection>-compaction, the compactors')",
  );
};

/**
 * Appends an `Examples:` section to a command's help.
 * @param command - The command.
 * @param lines - Command lines, without the leading `$ `.
 */
export const withExamples = (command: Command, lines: readonly string[]): Command =>
  command.addHelpText('after', `\nExamples:\n${lines.map((line) => `  $ ${line}\n`).join('')}`);

/** Which shared options a command takes (see {@link withSharedOptions}). */
export interface SharedOptionsSpec {
  /** `--bucket`/`--root`. */
  readonly store?: boolean | undefined;
  /** `--table`/`--lock-id`: `required`, `optional`, or none. */
  readonly lockTable?: 'required' | 'optional' | undefined;
  /** `--progress`. */
  readonly progress?: boolean | undefined;
}

/**
 * Appends the shared options a command takes after its own, in one order for every command:
 * the store, the lock table, the AWS settings (with either), then `--json`, `--debug` and
 * `--progress`.
 * @param command - The command, with its own arguments and options declared.
 * @param spec - Which shared options it takes.
 */
export const withSharedOptions = (command: Command, spec: SharedOptionsSpec): Command => {
  if (spec.store === true) withStoreOptions(command);
  if (spec.lockTable !== undefined) withLockTableOptions(command, spec.lockTable === 'required');
  if (spec.store === true || spec.lockTable !== undefined) withAwsOptions(command);
  return withCommonOptions(command, { progress: spec.progress === true });
};

/**
 * Adds `command` to `group` with the shared options of `spec` and an `Examples:` section.
 * @param group - The command group.
 * @param command - The leaf command, with its own arguments, options and action.
 * @param spec - Which shared options it takes.
 * @param examples - Command lines for its help.
 */
export const addLeaf = (
  group: Command,
  command: Command,
  spec: SharedOptionsSpec,
  examples: readonly string[],
): void => {
  group.addCommand(withExamples(withSharedOptions(command, spec), examples));
};
