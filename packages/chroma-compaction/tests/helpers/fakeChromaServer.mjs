/**
 * A stand-in for `chroma run`, for the tests that start a local Chroma server (the CLI's
 * `chroma start` and `query`, `localChromaDeltaSource`) without the real one. It serves the
 * Chroma v2 routes they call: heartbeat, a collection by name, the collection list, and a
 * collection's `get` (with `limit`/`offset`) and `query`. Run as
 * `node fakeChromaServer.mjs … run --path <dir> --port <port> --host <host>`, i.e. as
 * `startLocalChroma`'s `command` (or the CLI's `chroma.command`); like Chroma it creates
 * `<dir>` when missing.
 *
 * Configuration: `<dir>/fake-chroma.json`, read once at start (none: `{}`, a server holding
 * no collection). Every key is optional:
 * - `records`: `{ "<name>": [{ id, embedding, document, metadata }, …] }`, the collections
 *   the server holds. A lookup of one of them answers `{ id: "id-<name>", name, … }`, the
 *   collection list names them all, and its `get` answers the page `limit`/`offset` selects.
 * - `collections`: `{ "<name>": { status, body } }`, the scripted answer to the lookup of
 *   `<name>` by name, in place of what `records` would answer. A name in neither answers 404
 *   `Collection [<name>] does not exist`, as Chroma does.
 * - `get`, `query`: `{ status, body }`, the scripted answer to every collection's `get` /
 *   `query`, in place of what `records` would answer (e.g. an HTTP 500). Without one, a
 *   `get` of a collection not in `records`, and every `query`, answer 404.
 *   (`status` defaults to 200 in every scripted answer.)
 * - `exit`: `{ afterMs, code }`, to end on its own with exit code `code`, `afterMs`
 *   milliseconds after answering its first heartbeat (so it has started, as far as the
 *   caller can tell).
 * - `onSigint`: `"exit"` (Chroma's clean shutdown: exit code 0, the default) or `"kill"`
 *   (the process ends by SIGKILL, as a server that would not stop ends).
 *
 * Log: `<dir>/fake-chroma.log` receives one JSON line per event, in order:
 * - `{ "event": "start", "args": [...], "pid": … }` at start (`args`: its arguments from
 *   `run` on);
 * - `{ "event": "request", "method": "…", "url": "…", "body": … }` per request (`url`
 *   decoded; `body` parsed from JSON, `null` when empty);
 * - `{ "event": "SIGINT" }` when it is told to stop.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

const args = process.argv.slice(process.argv.indexOf('run'));
const option = (name) => args[args.indexOf(name) + 1];
const dir = option('--path');
mkdirSync(dir, { recursive: true });
const configFile = join(dir, 'fake-chroma.json');
const config = existsSync(configFile) ? JSON.parse(readFileSync(configFile, 'utf8')) : {};
const records = config.records ?? {};
const record = (event) =>
  appendFileSync(join(dir, 'fake-chroma.log'), `${JSON.stringify(event)}\n`);

const send = (response, { status = 200, body }) => {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
};

const notFound = (what) => ({
  status: 404,
  body: { error: 'NotFoundError', message: `${what} does not exist` },
});

/** The page of `name`'s records a `get` asks for, as Chroma answers it. */
const page = (name, query) => {
  const rows = records[name].slice(query.offset, query.offset + query.limit);
  return {
    body: {
      ids: rows.map((row) => row.id),
      embeddings: rows.map((row) => row.embedding),
      documents: rows.map((row) => row.document),
      metadatas: rows.map((row) => row.metadata),
      include: query.include,
      uris: null,
    },
  };
};

const COLLECTIONS = '/api/v2/tenants/default_tenant/databases/default_database/collections';
const BY_NAME = /^\/api\/v2\/tenants\/[^/]+\/databases\/[^/]+\/collections\/([^/]+)$/;
const ACTION = /\/collections\/([^/]+)\/(get|query)$/;

const answer = (request, body, response) => {
  const url = decodeURIComponent(request.url ?? '');
  const json = body === '' ? null : JSON.parse(body);
  record({ event: 'request', method: request.method, url, body: json });
  if (url === '/api/v2/heartbeat') {
    if (config.exit !== undefined)
      setTimeout(() => process.exit(config.exit.code), config.exit.afterMs);
    return send(response, { body: { 'nanosecond heartbeat': 1 } });
  }
  if (request.method === 'GET' && url === COLLECTIONS) {
    return send(response, {
      body: Object.keys(records).map((name) => ({ id: `id-${name}`, name })),
    });
  }
  const byName = BY_NAME.exec(url);
  if (request.method === 'GET' && byName !== null) {
    const name = byName[1];
    const held =
      records[name] === undefined
        ? undefined
        : { body: { id: `id-${name}`, name, configuration_json: {} } };
    return send(response, config.collections?.[name] ?? held ?? notFound(`Collection [${name}]`));
  }
  const action = ACTION.exec(url);
  if (request.method === 'POST' && action !== null) {
    const [, id, verb] = action;
    if (config[verb] !== undefined) return send(response, config[verb]);
    const name = id.replace(/^id-/, '');
    if (verb === 'get' && id.startsWith('id-') && records[name] !== undefined) {
      return send(response, page(name, json));
    }
    return send(response, notFound(verb));
  }
  return send(response, notFound(url));
};

const server = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => {
    body += chunk;
  });
  request.on('end', () => answer(request, body, response));
});
server.listen(Number(option('--port')), option('--host'));
record({ event: 'start', args, pid: process.pid });

process.on('SIGINT', () => {
  record({ event: 'SIGINT' });
  if (config.onSigint === 'kill') process.kill(process.pid, 'SIGKILL');
  else process.exit(0);
});
