// The health listener's thread (start-health-listener.ts starts it): answers
// /healthz and /readyz from its own event loop, so a probe is answered in
// well under a millisecond however busy the API's loop is, and still tells
// the truth about it. The API thread stamps a heartbeat into shared memory a
// few times a second and writes the outcome of its last ClickHouse check;
// this thread only reads them. Plain JavaScript with Node built-ins: a worker
// thread does not get the TypeScript loader of the thread that starts it.
import { createServer } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

const { state, host, port, stallAfterMs, readyStaleAfterMs } = workerData;
// [0] heartbeat (epoch ms), [1] time of the last readiness check, [2] 1 = ClickHouse answered it, [3] 1 = draining.
const slots = new BigInt64Array(state);
let notReadyReason = 'not checked yet';
parentPort.on('message', (m) => {
  if (typeof m.reason === 'string') notReadyReason = m.reason;
});

const send = (res, code, body) => {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(res.req.method === 'HEAD' ? undefined : text);
};

const server = createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  if (path !== '/healthz' && path !== '/readyz') return send(res, 404, { status: 'not found', reason: 'this port answers /healthz and /readyz' });
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { status: 'method not allowed' });
  const now = Date.now();
  const silentMs = now - Number(Atomics.load(slots, 0));
  // Liveness: the API's event loop ran recently. A loop stuck in a long
  // computation or a deadlock stops the heartbeat; the orchestrator restarts.
  if (silentMs > stallAfterMs) return send(res, 503, { status: 'stalled', reason: `the API's event loop has not run for ${silentMs} ms` });
  if (path === '/healthz') return send(res, 200, { status: 'ok' });
  if (Atomics.load(slots, 3) === 1n) return send(res, 503, { status: 'unavailable', reason: 'shutting down' });
  const checkAge = now - Number(Atomics.load(slots, 1));
  if (checkAge > readyStaleAfterMs) return send(res, 503, { status: 'unavailable', reason: `ClickHouse not checked for ${checkAge} ms` });
  if (Atomics.load(slots, 2) !== 1n) return send(res, 503, { status: 'unavailable', reason: notReadyReason });
  return send(res, 200, { status: 'ok' });
});
// Probes are short; idle sockets go soon, and a slow client cannot hold one.
server.keepAliveTimeout = 5_000;
server.requestTimeout = 5_000;
server.headersTimeout = 5_000;
server.on('error', (err) => parentPort.postMessage({ error: err.message }));
server.listen(port, host, () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (m) => {
  if (m.close === true) server.close(() => parentPort.close());
});
