/**
 * A stand-in for `chroma run` that answers what the persist directory's `fake-chroma.json`
 * says, so the CLI's handling of Chroma's answers and failures can be checked without a
 * real server. Run as `node fakeChroma.mjs … run --path … --port … --host …` (as the CLI's
 * `chroma.command`). `fake-chroma.json` holds
 * - `collections`: `{ "<name>": { status, body } }`, the answer to a lookup by name (a name
 *   not listed answers 404, as Chroma does);
 * - `get`, `query`: `{ status, body }`, the answer to a collection's `get` / `query`;
 * - `exit`: `{ afterMs, code }`, to end on its own `afterMs` after answering its first
 *   heartbeat (so it has started, as far as the CLI can tell);
 * - `onSigint`: `"exit"` (Chroma's clean shutdown, the default) or `"kill"` (the process
 *   ends by SIGKILL, as a server that would not stop ends).
 * Every request and signal is appended to `fake-chroma.log`, one JSON line each.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

const args = process.argv.slice(2);
const option = (name) => args[args.indexOf(name) + 1];
const dir = option('--path');
mkdirSync(dir, { recursive: true });
const configFile = join(dir, 'fake-chroma.json');
const config = existsSync(configFile) ? JSON.parse(readFileSync(configFile, 'utf8')) : {};
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

const answer = (request, body, response) => {
  const url = decodeURIComponent(request.url ?? '');
  record({ event: 'request', method: request.method, url, body: body === '' ? null : body });
  if (url === '/api/v2/heartbeat') {
    if (config.exit !== undefined)
      setTimeout(() => process.exit(config.exit.code), config.exit.afterMs);
    return send(response, { body: { 'nanosecond heartbeat': 1 } });
  }
  const byName = /^\/api\/v2\/tenants\/[^/]+\/databases\/[^/]+\/collections\/([^/]+)$/.exec(url);
  if (request.method === 'GET' && byName !== null) {
    const name = byName[1];
    return send(response, config.collections?.[name] ?? notFound(`Collection [${name}]`));
  }
  const action = /\/collections\/[^/]+\/(get|query)$/.exec(url);
  if (request.method === 'POST' && action !== null) {
    return send(response, config[action[1]] ?? notFound(action[1]));
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

process.on('SIGINT', () => {
  record({ event: 'SIGINT' });
  if (config.onSigint === 'kill') process.kill(process.pid, 'SIGKILL');
  else process.exit(0);
});
