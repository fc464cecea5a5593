/**
 * Constructs one `SQSClient` with the default configuration, as the example handler does on
 * its first publish. Imported by the bundle benchmark, with `@aws-sdk/client-sqs` already
 * loaded, to time the client's construction on its own.
 */
import { SQSClient } from '@aws-sdk/client-sqs';

export const client = new SQSClient({});
