// Slow and idle clients holding sockets on the query API (slowloris): the API
// keeps answering /healthz while a thousand of them are connected, and sends
// each one that never finishes its request a 408 and closes it. Limits are
// shortened here; the shipped ones are HTTP_LIMITS.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createTestApi, type TestApi } from './testing/api-test-app.ts';

const IDLE = 1_000;
const SLOW = 100;
let api: TestApi;
let port: number;

before(async () => {
  api = await createTestApi({ httpLimits: { requestTimeoutMs: 1_000, checkIntervalMs: 200, idleTimeoutMs: 60_000, keepAliveTimeoutMs: 60_000, maxRequestsPerSocket: 3 } });
  await api.app.listen({ host: '127.0.0.1', port: 0 });
  port = (api.app.server.address() as AddressInfo).port;
});
after(async () => {
  await api.close();
});

interface Held {
  readonly socket: Socket;
  readonly closed: Promise<string>;
}

/** A socket that resolves `closed` with what the server sent before closing it. */
function hold(onConnect: (s: Socket) => void = () => undefined): Promise<Held> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let got = '';
    socket.on('data', (d) => (got += d.toString('latin1')));
    socket.on('error', () => undefined);
    const closed = new Promise<string>((done) => socket.on('close', () => done(got)));
    socket.once('connect', () => {
      onConnect(socket);
      resolve({ socket, closed });
    });
    socket.once('error', reject);
  });
}

function within<T>(what: string, p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

test('a thousand idle sockets and a hundred slowloris clients: /healthz still answers, and each of them gets 408 and is closed', async () => {
  const idle: Held[] = [];
  for (let i = 0; i < IDLE; i++) idle.push(await hold());
  const timers: NodeJS.Timeout[] = [];
  const slow: Held[] = [];
  for (let i = 0; i < SLOW; i++) {
    slow.push(
      await hold((s) => {
        s.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
        // One more header line every 100 ms: the request never completes.
        timers.push(setInterval(() => s.writable && s.write(`X-Slow-${i}: y\r\n`), 100));
      }),
    );
  }
  try {
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      assert.equal(res.status, 200);
    }
    const slowEnds = await within('slow clients closed', Promise.all(slow.map((h) => h.closed)), 30_000);
    for (const got of slowEnds) assert.match(got, /^HTTP\/1\.1 408 /);
    const idleEnds = await within('idle sockets closed', Promise.all(idle.map((h) => h.closed)), 30_000);
    assert.equal(idleEnds.filter((got) => got.startsWith('HTTP/1.1 408 ')).length, IDLE);
  } finally {
    for (const t of timers) clearInterval(t);
    for (const h of [...idle, ...slow]) h.socket.destroy();
  }
});

test('the last answer a keep-alive socket may have says connection: close (maxRequestsPerSocket)', async () => {
  const h = await hold();
  let got = '';
  const three = new Promise<void>((resolve) =>
    h.socket.on('data', (d) => {
      got += d.toString('latin1');
      if ((got.match(/HTTP\/1\.1 200 /g)?.length ?? 0) >= 3 && got.endsWith('}')) resolve();
    }),
  );
  for (let i = 0; i < 3; i++) h.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
  await within('three answers', three, 30_000);
  h.socket.destroy();
  const answers = got.split(/(?=HTTP\/1\.1 )/);
  assert.equal(answers.length, 3);
  assert.match(answers[0]!, /connection: keep-alive/i);
  assert.match(answers[2]!, /connection: close/i, 'the client is told to reconnect');
});
