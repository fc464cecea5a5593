/**
 * A small HTTP proxy in front of a service (moto, Chroma) that can fail the requests a
 * schedule picks: reset the connection before forwarding, lose the reply after the service
 * applied the request, answer 500 or 503 itself, or forward late. With `serialize` it also
 * forwards one request at a time, which is how the scenarios give moto the per-item write
 * isolation DynamoDB has (moto's threaded server lets concurrent conditional writes to one
 * item both succeed; DynamoDB applies them one after another).
 */
import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Random } from './random.js';

/** What the proxy does to one request instead of forwarding it untouched. */
export type FaultKind = 'reset' | 'lost reply' | '500' | '503' | 'delay';

/** Every fault kind, in the order the figures list them. */
export const FAULT_KINDS: readonly FaultKind[] = ['reset', 'lost reply', '500', '503', 'delay'];

/** A request as the schedule sees it. */
export interface ProxiedRequest {
  readonly method: string;
  readonly path: string;
  /** DynamoDB's `X-Amz-Target` (e.g. `DynamoDB_20120810.Query`), when present. */
  readonly target: string | undefined;
}

/** Picks the fault of one request, or `undefined` to forward it untouched. */
export type FaultSchedule = (request: ProxiedRequest) => FaultKind | undefined;

/** A running proxy. */
export interface FaultProxy {
  /** The proxy's base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Requests received so far. */
  readonly requests: () => number;
  /** Faults injected so far, by kind. */
  readonly faulted: () => Readonly<Record<FaultKind, number>>;
  /** Sets the schedule; `undefined` forwards everything untouched. */
  readonly setSchedule: (schedule: FaultSchedule | undefined) => void;
  /** Stops the proxy, closing every connection. */
  readonly close: () => Promise<void>;
}

/** Options of {@link startFaultProxy}. */
export interface FaultProxyOptions {
  /** The service's base URL, e.g. moto's endpoint. */
  readonly target: string;
  /**
   * Forward one request at a time, in arrival order.
   * @default false
   */
  readonly serialize?: boolean;
  /**
   * How long a `delay` fault holds a request before forwarding it, in milliseconds.
   * @default 150
   */
  readonly delayMs?: number;
}

const readBody = (incoming: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => resolve(Buffer.concat(chunks)));
    incoming.on('error', reject);
  });

/** The service's answer to one forwarded request, read in full. */
interface Upstream {
  readonly status: number;
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
}

/** A body each service's client reads as a server error of that status. */
const errorBody = (status: number, target: string | undefined): string =>
  target === undefined
    ? JSON.stringify({ error: 'InternalError', message: `injected ${status}` })
    : JSON.stringify({
        __type:
          status === 503
            ? 'com.amazonaws.dynamodb.v20120810#ServiceUnavailableException'
            : 'com.amazonaws.dynamodb.v20120810#InternalServerError',
        message: `injected ${status}`,
      });

/**
 * A seeded schedule: each request is faulted with probability `rate`, the kind drawn evenly
 * from `kinds`. The same seed and the same request order give the same faults.
 */
export const seededSchedule =
  (random: Random, rate: number, kinds: readonly FaultKind[]): FaultSchedule =>
  () =>
    random.chance(rate) ? random.pick(kinds) : undefined;

/** Starts a proxy on a free local port in front of `target`. */
export const startFaultProxy = async (options: FaultProxyOptions): Promise<FaultProxy> => {
  const target = new URL(options.target);
  const delayMs = options.delayMs ?? 150;
  const agent = new Agent({ keepAlive: true, maxSockets: options.serialize === true ? 1 : 32 });
  const faulted: Record<FaultKind, number> = {
    reset: 0,
    'lost reply': 0,
    '500': 0,
    '503': 0,
    delay: 0,
  };
  let schedule: FaultSchedule | undefined;
  let received = 0;
  let queue: Promise<unknown> = Promise.resolve();

  const send = (incoming: IncomingMessage, body: Buffer): Promise<Upstream> =>
    new Promise((resolve, reject) => {
      const headers = { ...incoming.headers, host: target.host };
      const outgoing = request(
        {
          agent,
          hostname: target.hostname,
          port: target.port,
          method: incoming.method,
          path: incoming.url,
          headers,
        },
        (reply) => {
          readBody(reply).then(
            (replyBody) =>
              resolve({
                status: reply.statusCode ?? 502,
                headers: reply.headers as Record<string, string | string[]>,
                body: replyBody,
              }),
            reject,
          );
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });

  const forward = (incoming: IncomingMessage, body: Buffer): Promise<Upstream> => {
    if (options.serialize !== true) return send(incoming, body);
    const result = queue.then(() => send(incoming, body));
    queue = result.catch(() => undefined);
    return result;
  };

  const handle = async (incoming: IncomingMessage, response: ServerResponse): Promise<void> => {
    received += 1;
    const body = await readBody(incoming);
    const amzTarget = incoming.headers['x-amz-target'];
    const fault = schedule?.({
      method: incoming.method ?? 'GET',
      path: incoming.url ?? '/',
      target: typeof amzTarget === 'string' ? amzTarget : undefined,
    });
    if (fault !== undefined) faulted[fault] += 1;
    if (fault === 'reset') {
      incoming.socket.destroy();
      return;
    }
    if (fault === '500' || fault === '503') {
      const text = errorBody(Number(fault), typeof amzTarget === 'string' ? amzTarget : undefined);
      response.writeHead(Number(fault), {
        'content-type':
          typeof amzTarget === 'string' ? 'application/x-amz-json-1.0' : 'application/json',
        'content-length': Buffer.byteLength(text),
      });
      response.end(text);
      return;
    }
    if (fault === 'delay') await new Promise((resolve) => setTimeout(resolve, delayMs));
    let upstream: Upstream;
    try {
      upstream = await forward(incoming, body);
    } catch {
      response.writeHead(502).end();
      return;
    }
    if (fault === 'lost reply') {
      incoming.socket.destroy();
      return;
    }
    const { 'transfer-encoding': _chunked, connection: _connection, ...headers } = upstream.headers;
    response.writeHead(upstream.status, { ...headers, 'content-length': upstream.body.length });
    response.end(upstream.body);
  };

  const server = createServer((incoming, response) => {
    handle(incoming, response).catch(() => incoming.socket.destroy());
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => received,
    faulted: () => ({ ...faulted }),
    setSchedule: (next) => {
      schedule = next;
    },
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      agent.destroy();
    },
  };
};
