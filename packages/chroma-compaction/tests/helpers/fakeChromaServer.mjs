/**
 * A stand-in for `chroma run` that serves the few Chroma v2 routes `localChromaDeltaSource`
 * calls, from collections given as JSON: heartbeat, a collection by name, the collection
 * list, and `get` with `limit`/`offset`. Run as `node fakeChromaServer.mjs run --path … --port …
 * --host …` with
 * - `FAKE_RECORD`: a file that receives one JSON line per event (`start`, `get`, `SIGINT`);
 * - `FAKE_COLLECTIONS`: `{ "<name>": [{ id, embedding, document, metadata }, …] }`;
 * - `FAKE_FAIL_GET`: when set, `get` answers HTTP 500.
 * It exits on SIGINT, as Chroma does.
 */
import { appendFileSync } from 'node:fs';
import { createServer } from 'node:http';

const args = process.argv.slice(2);
const option = (name) => args[args.indexOf(name) + 1];
const record = (event) => appendFileSync(process.env.FAKE_RECORD, `${JSON.stringify(event)}\n`);
const collections = JSON.parse(process.env.FAKE_COLLECTIONS ?? '{}');
const COLLECTIONS = '/api/v2/tenants/default_tenant/databases/default_database/collections';

record({ event: 'start', args, pid: process.pid });

const send = (response, status, body) => {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
};

const answer = (request, body, response) => {
  const url = decodeURIComponent(request.url ?? '');
  if (url === '/api/v2/heartbeat') return send(response, 200, { 'nanosecond heartbeat': 1 });
  if (request.method === 'GET' && url === COLLECTIONS) {
    return send(
      response,
      200,
      Object.keys(collections).map((name) => ({ id: `id-${name}`, name })),
    );
  }
  const byName = /^\/api\/v2\/tenants\/[^/]+\/databases\/[^/]+\/collections\/([^/]+)$/.exec(url);
  if (request.method === 'GET' && byName !== null) {
    const name = byName[1];
    if (collections[name] === undefined) {
      return send(response, 404, {
        error: 'NotFoundError',
        message: `Collection [${name}] does not exist`,
      });
    }
    return send(response, 200, { id: `id-${name}`, name, configuration_json: {} });
  }
  const get = /\/collections\/id-([^/]+)\/get$/.exec(url);
  if (request.method === 'POST' && get !== null) {
    const query = JSON.parse(body);
    record({ event: 'get', collection: get[1], query });
    if (process.env.FAKE_FAIL_GET) {
      return send(response, 500, { error: 'InternalError', message: 'segment is corrupt' });
    }
    const page = collections[get[1]].slice(query.offset, query.offset + query.limit);
    return send(response, 200, {
      ids: page.map((row) => row.id),
      embeddings: page.map((row) => row.embedding),
      documents: page.map((row) => row.document),
      metadatas: page.map((row) => row.metadata),
      include: query.include,
      uris: null,
    });
  }
  return send(response, 404, { error: 'NotFound', message: url });
};

const server = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => {
    body += chunk;
  });
  request.on('end', () => answer(request, body, response));
});
server.listen(Number(option('--port')), option('--host'));

process.on('SIGINT', () => {
  record({ event: 'SIGINT' });
  process.exit(0);
});
