import {
  SendMessageBatchCommand,
  type SendMessageBatchCommandInput,
  type SendMessageBatchCommandOutput,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { describe, expectTypeOf, it } from 'vitest';
import { publishMessages } from '../../src/publish/publishMessages.js';
import type {
  PublishResult,
  SendMessageBatch,
  SendMessageBatchInput,
  SendMessageBatchOutput,
} from '../../src/publish/types.js';

describe('Type: SendMessageBatch', () => {
  it('accepts the AWS SDK SendMessageBatchCommand call as the send function', () => {
    const sqs = new SQSClient({});
    const send: SendMessageBatch = (input) => sqs.send(new SendMessageBatchCommand(input));

    expectTypeOf(publishMessages([], { send, queueUrls: {} })).toEqualTypeOf<
      Promise<PublishResult>
    >();
    expectTypeOf(
      publishMessages([], {
        send: (input) => sqs.send(new SendMessageBatchCommand(input)),
        queueUrls: { lines: 'https://sqs.us-east-1.amazonaws.com/1/lines' },
      }),
    ).resolves.toHaveProperty('sent');
  });

  it('keeps the structural input assignable to the SDK input and the SDK output to ours', () => {
    expectTypeOf<SendMessageBatchInput>().toExtend<SendMessageBatchCommandInput>();
    expectTypeOf<SendMessageBatchCommandOutput>().toExtend<SendMessageBatchOutput>();
  });

  it('rejects a send function of the wrong shape', () => {
    // @ts-expect-error: send must return a promise of a batch output
    const bad: SendMessageBatch = (input: SendMessageBatchInput) => input.Entries.length;
    expectTypeOf(bad).toBeFunction();
  });
});
