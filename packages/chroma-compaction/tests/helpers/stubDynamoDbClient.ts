import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** A reply of the stub: an output to resolve with, or an error to reject with. */
export type StubReply = { readonly output: unknown } | { readonly error: unknown };

/** A DynamoDB client double for unit tests: records command inputs, replays replies. */
export interface StubDynamoDbClient {
  readonly client: DynamoDBClient;
  /** `[command class name, input]` of every call, in order. */
  readonly calls: Array<readonly [string, Record<string, unknown>]>;
}

/** Builds a stub that answers the calls with `replies` in order (then with `{}`). */
export const stubDynamoDbClient = (...replies: StubReply[]): StubDynamoDbClient => {
  const calls: Array<readonly [string, Record<string, unknown>]> = [];
  const send = async (command: {
    constructor: { name: string };
    input: Record<string, unknown>;
  }) => {
    calls.push([command.constructor.name, command.input]);
    const reply = replies.shift() ?? { output: {} };
    if ('error' in reply) throw reply.error;
    return reply.output;
  };
  return { client: { send } as unknown as DynamoDBClient, calls };
};

/** An error shaped like the SDK's `ConditionalCheckFailedException`. */
export const conditionalCheckFailed = (item?: Record<string, unknown>): Error =>
  Object.assign(new Error('The conditional request failed'), {
    name: 'ConditionalCheckFailedException',
    ...(item === undefined ? {} : { Item: item }),
  });
