// The query API process killed during a CSV export, read with a real HTTP
// client: the download must be recognisably incomplete (the chunked body ends
// without its terminating chunk, so the client reports an aborted response,
// as curl reports "transfer closed with outstanding read data"), never a
// short file that looks whole. A SIGTERM instead lets the export finish
// before the process exits. After a restart the same export is complete.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore, migrate } from '@mcpg/store';
import { insertAuditFixtures } from '@mcpg/store/testing';

const root = new URL('..', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'mcpg-api-restart-'));
const ORG = 'export-restart';
const ROWS = 300_000;
const children: ChildProcess[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

before(async () => {
  // Seeded here, then closed: the API process opens the same data directory.
  const store = await createStore({ kind: 'embedded', dataDir: join(dataDir, 'clickhouse'), database: 'mcpg' });
  await migrate(store);
  const t0 = Date.now() - 3_600_000;
  for (let from = 0; from < ROWS; from += 50_000) {
    await insertAuditFixtures(store, Array.from({ length: 50_000 }, (_, i) => ({ org: ORG, seq: from + i, occurredAtMs: t0 + from + i, arguments: `{"n":${from + i}}` })));
  }
  await store.close();
});

after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

interface Api {
  readonly child: ChildProcess;
  readonly url: string;
  readonly exited: Promise<number | null>;
}

async function startApi(): Promise<Api> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/query-api/src/main.ts'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, MCPG_DATA_DIR: dataDir, MCPG_API_PORT: String(port), MCPG_LOG_LEVEL: 'warn' },
  });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the API exited with ${child.exitCode} at start`);
    const up = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (up) return { child, url, exited };
    if (Date.now() > until) throw new Error('the API did not answer /healthz');
    await new Promise((r) => setTimeout(r, 250));
  }
}

interface Download {
  readonly status: number;
  /** The response ended with its terminating chunk (node:http's `complete`). */
  readonly complete: boolean;
  /** What the client said when the body stopped early. */
  readonly error: string | null;
  readonly lines: number;
}

/** GETs the export; `onFirstBytes` runs when the first body bytes arrive. */
function download(url: string, onFirstBytes: () => void = () => undefined): Promise<Download> {
  return new Promise((resolve, reject) => {
    const req = get(`${url}/v1/orgs/${ORG}/audit?format=csv`, (res) => {
      let lines = 0;
      let first = true;
      let error: string | null = null;
      res.on('data', (chunk: Buffer) => {
        if (first) {
          first = false;
          onFirstBytes();
        }
        for (const b of chunk) if (b === 0x0a) lines++;
      });
      res.on('error', (e) => (error = (e as NodeJS.ErrnoException).code ?? e.message));
      res.on('close', () => resolve({ status: res.statusCode ?? 0, complete: res.complete, error, lines }));
    });
    req.on('error', reject);
  });
}

test('API killed mid-export: the client sees an aborted download, never a complete-looking file; after a restart the export is whole', { timeout: 600_000 }, async () => {
  const api = await startApi();
  const cut = await download(api.url, () => api.child.kill('SIGKILL'));
  await api.exited;
  assert.equal(cut.status, 200);
  assert.equal(cut.complete, false, 'no terminating chunk: the client can tell');
  assert.equal(cut.error, 'ECONNRESET', 'node:http reports the early end as an aborted response');
  assert.ok(cut.lines < ROWS + 1, `a part only (${cut.lines} lines)`);

  const again = await startApi();
  try {
    const whole = await download(again.url);
    assert.deepEqual(whole, { status: 200, complete: true, error: null, lines: ROWS + 1 }, 'header and every row');

    // A SIGTERM (a rolling restart) lets the export in flight finish first.
    const graceful = await download(again.url, () => again.child.kill('SIGTERM'));
    assert.deepEqual(graceful, { status: 200, complete: true, error: null, lines: ROWS + 1 });
    assert.equal(await again.exited, 0);
  } finally {
    if (again.child.exitCode === null) again.child.kill('SIGKILL');
  }
  console.log(JSON.stringify({ killedAfterLines: cut.lines, of: ROWS + 1 }));
});
