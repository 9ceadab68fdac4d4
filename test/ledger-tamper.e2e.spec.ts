// A malicious operator with SQL access to ClickHouse edits, deletes, inserts
// and reorders audit rows, drops the tail, splices in another org's row or a
// signed checkpoint of another history; `mcpg export-audit`'s export of what
// is left then fails `mcpg verify` with the specific failure and the seq (or
// tree size) where it happened. The ledger is written by the worker's own
// write path (fold, sign, store) into the embedded engine; keys come from
// `mcpg keys generate`. The API's verify (GET /v1/orgs/{org}/audit/verify)
// reads the same tampered tables and must name the same code, seq and table.
// The same tampering is caught on a ledger whose first segments were pruned
// by its retention plan, and so is an edit of the pruned range's kept hashes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApi } from '@mcpg/api';
import { Keyring, SegmentedLedger, fromHexStrict, signCheckpoint, toHex, verifyConsistency, verifyInclusion, type LedgerEvent, type SigningKeys } from '@mcpg/ledger';
import { insertCheckpoints, ledgerExportLines, pruneLedger, type Store } from '@mcpg/store';
import { createTestStore } from '@mcpg/store/testing';
import { foldLedgerBatch, loadSigningKeys, storeLedgerWrites, type PendingLedgerEvent } from '@mcpg/workers';
import { verifyCommand } from '../apps/mcpg/src/commands/verify.ts';

const root = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'mcpg-tamper-'));
const ORG = 'acme-tamper';
const OTHER = 'globex-tamper';
const T0 = Date.UTC(2026, 8, 1);
const ROWS = 60;
const segments = { rows: 10, seconds: 3600 };
const publicKeys = join(dir, 'public.keys');
let signing: SigningKeys;
const stores: Store[] = [];

function mcpg(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/mcpg.mjs', ...args], { cwd: root, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const event = (org: string, i: number, variant = ''): LedgerEvent => ({
  org,
  event_id: `${org}-${i}${variant}`,
  workspace: 'prod',
  instance: `gw-${i % 3}`,
  occurred_at: T0 + i * 1000,
  action: i % 6 === 0 ? 'operator.config_change' : 'tool.call',
  actor: `user-${i % 4}`,
  resource: 'db__query',
  decision: 'permit',
  outcome: 'ok',
  latency_us: 100 + i,
  arguments: `{"sql":"select ${i}${variant}"}`,
  response: null,
  error: null,
  trace_id: null,
});

/** The two orgs' ledgers written as the worker writes them, in three flushes. */
async function honestStore(): Promise<Store> {
  const store = await createTestStore();
  stores.push(store);
  const pending: PendingLedgerEvent[] = [];
  for (let i = 0; i < ROWS; i++) {
    for (const org of [ORG, OTHER]) pending.push({ event: event(org, i), partition: org === ORG ? 0 : 1, offset: String(i), routedPartition: org === ORG ? 0 : 1 });
  }
  let stored = new Map();
  for (let at = 0; at < pending.length; at += 40) {
    const w = foldLedgerBatch(pending.slice(at, at + 40), stored, segments, signing);
    await storeLedgerWrites(store, w);
    stored = new Map(w.states.map((s) => [s.org, s]));
  }
  return store;
}

async function sql(store: Store, query: string, params: Record<string, unknown> = {}): Promise<void> {
  await store.client.command({ query, query_params: { org: ORG, ...params }, clickhouse_settings: { mutations_sync: '2' } });
}

async function exportFile(store: Store, name: string, org = ORG): Promise<string> {
  let text = '';
  for await (const chunk of ledgerExportLines(store, org)) text += chunk;
  const path = join(dir, `${name}.ndjson`);
  writeFileSync(path, text);
  return path;
}

type CliResult = ReturnType<typeof mcpg>;

interface ApiVerdict {
  verified: boolean;
  checked: { from_seq: number; to_seq: number; checkpoints: number[] };
  error: { code: string; seq?: number; tree_size?: number; table?: string; message: string } | null;
}

/** GET /v1/orgs/{org}/audit/verify over the same store, with the published keyring. */
async function apiVerify(store: Store, qs = ''): Promise<ApiVerdict> {
  const app = buildApi({ store, ledgerKeyring: Keyring.parse(readFileSync(publicKeys, 'utf8')) });
  try {
    const r = await app.inject({ method: 'GET', url: `/v1/orgs/${ORG}/audit/verify${qs}` });
    assert.equal(r.statusCode, 200, r.body);
    return r.json() as ApiVerdict;
  } finally {
    await app.close();
  }
}

const breakOf = (v: ApiVerdict) => [v.verified, v.error?.code, v.error?.seq ?? v.error?.tree_size, v.error?.table];

/** `mcpg verify` run in this process (the binary's start-up costs seconds per case); the first cases use the binary itself. */
async function verifyIn(args: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const { log, error } = console;
  console.log = (...a: unknown[]) => void out.push(`${a.join(' ')}\n`);
  console.error = (...a: unknown[]) => void err.push(`${a.join(' ')}\n`);
  try {
    const status = (await verifyCommand.run(args, {})) ?? 0;
    return { status, stdout: out.join(''), stderr: err.join('') };
  } finally {
    Object.assign(console, { log, error });
  }
}

function verify(path: string, ...more: string[]): Promise<CliResult> {
  return verifyIn([path, '--public-key', publicKeys, ...more]);
}

function assertVerdict(r: CliResult, exit: number, pattern: RegExp): void {
  assert.equal(r.status, exit, `exit code; stdout: ${r.stdout} stderr: ${r.stderr}`);
  // Verdicts on what was read go to stdout, "cannot read" to stderr.
  assert.match(r.stdout || r.stderr, pattern);
  if (exit !== 0) assert.doesNotMatch(r.stdout, /^VERIFIED/m);
}

before(() => {
  const keyFile = join(dir, 'signing.key');
  const r = mcpg('keys', 'generate', '--name', 'test.invalid/tamper', '--out', keyFile, '--public-out', publicKeys);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(statSync(keyFile).mode & 0o777, 0o600, 'the private key is readable by its owner only');
  assert.equal(readFileSync(publicKeys, 'utf8'), r.stdout, 'the public keyring line is printed and appended');
  assert.doesNotMatch(readFileSync(publicKeys, 'utf8'), /PRIVATE/);
  signing = loadSigningKeys({ ledgerKeyFile: keyFile, ledgerKey: '' }) as SigningKeys;
  assert.equal(mcpg('keys', 'generate', '--name', 'test.invalid/tamper', '--out', keyFile).status, 2, 'an existing key file is never overwritten');
});

after(async () => {
  for (const s of stores) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the untouched ledger verifies, and the verifier remembers the checkpoint it trusted', async () => {
  const store = await honestStore();
  const trusted = join(dir, 'honest.trusted');
  const r = mcpg('verify', await exportFile(store, 'honest'), '--public-key', publicKeys, '--trusted', trusted);
  assertVerdict(r, 0, /^VERIFIED: acme-tamper, rows seq 0\.\.59 \(60 rows\) match the checkpoint of size 60/);
  assert.match(readFileSync(trusted, 'utf8'), /^mcpg\.dev\/ledger\/acme-tamper\n60\n/);
});

test('an edited row (ALTER TABLE … UPDATE) is ROW_EDITED at its seq', async () => {
  const store = await honestStore();
  await sql(store, `ALTER TABLE audit_log UPDATE actor = 'mallory' WHERE org = {org:String} AND seq = 13`);
  assertVerdict(mcpg('verify', await exportFile(store, 'edited'), '--public-key', publicKeys), 5, /^TAMPERED: ROW_EDITED at seq 13: row seq 13 was edited/);
});

test('a deleted row (ALTER TABLE … DELETE) is ROW_DELETED at its seq', async () => {
  const store = await honestStore();
  await sql(store, `ALTER TABLE audit_log DELETE WHERE org = {org:String} AND seq = 17`);
  assertVerdict(await verify(await exportFile(store, 'deleted')), 5, /^TAMPERED: ROW_DELETED at seq 17: row seq 17 was deleted/);
});

test('an inserted row (INSERT of a forged copy) is ROW_INSERTED at its seq', async () => {
  const store = await honestStore();
  await sql(
    store,
    `INSERT INTO audit_log SELECT * REPLACE (concat(event_id, '-forged') AS event_id, occurred_at + INTERVAL 1 SECOND AS occurred_at, 'mallory' AS actor)
     FROM audit_log WHERE org = {org:String} AND seq = 21`,
  );
  assertVerdict(await verify(await exportFile(store, 'inserted')), 5, /^TAMPERED: ROW_INSERTED at seq 21: a row was inserted at seq 21/);
});

test('two rows that swapped seqs are ROWS_REORDERED', async () => {
  const store = await honestStore();
  // (Filters name event_id: in ClickHouse a REPLACE alias also rewrites the WHERE clause.)
  await sql(store, `INSERT INTO audit_log SELECT * REPLACE (61 - seq AS seq) FROM audit_log WHERE org = {org:String} AND event_id IN ({e30:String}, {e31:String})`, {
    e30: `${ORG}-30`,
    e31: `${ORG}-31`,
  });
  await sql(store, `ALTER TABLE audit_log DELETE WHERE org = {org:String} AND ((seq = 30 AND event_id = {e30:String}) OR (seq = 31 AND event_id = {e31:String}))`, {
    e30: `${ORG}-30`,
    e31: `${ORG}-31`,
  });
  assertVerdict(await verify(await exportFile(store, 'reordered')), 5, /^TAMPERED: ROWS_REORDERED at seq 30: rows were reordered at seq 30/);
  // The API's verify names it the same way, over the whole ledger and over a range that starts at a checkpoint.
  assert.deepEqual(breakOf(await apiVerify(store)), [false, 'ROWS_REORDERED', 30, 'audit_log']);
  assert.deepEqual(breakOf(await apiVerify(store, '?from_seq=32&to_seq=45')), [false, 'ROWS_REORDERED', 30, 'audit_log']);
  assert.deepEqual(breakOf(await apiVerify(store, '?from_seq=40&to_seq=59')), [true, undefined, undefined, undefined]);
});

test('a forged Merkle node is NODE_EDITED in audit_merkle_nodes, not an edited row: the rows still verify offline', async () => {
  const store = await honestStore();
  await sql(store, `ALTER TABLE audit_merkle_nodes UPDATE nodes = arrayMap(x -> lower(hex(SHA256(x))), nodes) WHERE org = {org:String} AND seq = 29`);
  const whole = await apiVerify(store);
  assert.deepEqual(breakOf(whole), [false, 'NODE_EDITED', 29, 'audit_merkle_nodes']);
  assert.deepEqual(whole.checked, { from_seq: 0, to_seq: 59, checkpoints: [10, 20, 30, 40, 50, 60] });
  // A range after it starts from the stored nodes before it, which no longer reproduce the signed root of size 30.
  const later = await apiVerify(store, '?from_seq=35&to_seq=38');
  assert.deepEqual(breakOf(later), [false, 'NODE_EDITED', 30, 'audit_merkle_nodes']);
  assert.deepEqual(later.checked, { from_seq: 30, to_seq: 39, checkpoints: [30, 40] });
  assert.deepEqual(breakOf(await apiVerify(store, '?from_seq=0&to_seq=19')), [true, undefined, undefined, undefined]);
  assertVerdict(await verify(await exportFile(store, 'nodes')), 0, /^VERIFIED: acme-tamper, rows seq 0\.\.59/);
});

test('a dropped tail is TAIL_DROPPED from the first missing seq, against the signed size', async () => {
  const store = await honestStore();
  await sql(store, `ALTER TABLE audit_log DELETE WHERE org = {org:String} AND seq >= 55`);
  assertVerdict(await verify(await exportFile(store, 'tail')), 5, /^TAMPERED: TAIL_DROPPED at seq 55: rows from seq 55 on were dropped \(a signed checkpoint covers 60 rows\)/);
});

test('a validly signed checkpoint of another history is a FORK at its tree size', async () => {
  const store = await honestStore();
  // What a second writer (or a rebuild over rewritten events) would have signed with the same key.
  const other = new SegmentedLedger(ORG, { rows: 25, seconds: 3600 });
  let forged;
  for (let i = 0; i < 25; i++) forged = other.append(event(ORG, i, '-rewritten')).closed[0] ?? forged;
  const cp = forged!.checkpoint;
  const signer = signing.signerFor(cp.eventTime);
  await insertCheckpoints(store, [
    { org: ORG, treeSize: 25, firstSeq: 20, root: toHex(cp.root), chainHead: toHex(cp.chainHead), eventTime: cp.eventTime, closedBy: 'rows', keyName: signer.name, keyId: '', signature: '', note: signCheckpoint(cp, signer) },
  ]);
  assertVerdict(await verify(await exportFile(store, 'fork')), 5, /^TAMPERED: FORK at tree size 25: fork: signed checkpoints disagree at tree size 25/);
  // The API checks every checkpoint of the range, not only the newest.
  const api = await apiVerify(store);
  assert.deepEqual(breakOf(api), [false, 'FORK', 25, 'audit_checkpoints']);
  assert.deepEqual(api.checked.checkpoints, [10, 20, 25, 30, 40, 50, 60]);
});

test('a rewritten history is refused against the trusted checkpoint (FORK), a shortened one as ROLLBACK', async () => {
  const trusted = join(dir, 'history.trusted');
  assert.equal((await verify(await exportFile(await honestStore(), 'before'), '--trusted', trusted)).status, 0);
  // The operator rebuilds the whole ledger from altered events and re-signs it with the real key.
  const rewritten = await createTestStore();
  stores.push(rewritten);
  const pending = Array.from({ length: ROWS }, (_, i) => ({ event: event(ORG, i, i === 7 ? '-altered' : ''), partition: 0, offset: String(i), routedPartition: 0 }));
  await storeLedgerWrites(rewritten, foldLedgerBatch(pending, new Map(), segments, signing));
  assertVerdict(await verify(await exportFile(rewritten, 'rewritten'), '--trusted', trusted), 5, /^TAMPERED: FORK at tree size 60/);
  // Or drops the newest rows and their checkpoints.
  const shortened = await honestStore();
  await sql(shortened, `ALTER TABLE audit_log DELETE WHERE org = {org:String} AND seq >= 40`);
  await sql(shortened, `ALTER TABLE audit_checkpoints DELETE WHERE org = {org:String} AND tree_size > 40`);
  assertVerdict(await verify(await exportFile(shortened, 'shortened'), '--trusted', trusted), 5, /^TAMPERED: ROLLBACK at tree size 40/);
});

test("another org's row spliced in is caught: via SQL at its seq, in the export file as FOREIGN_ROW", async () => {
  const store = await honestStore();
  const honest = readFileSync(await exportFile(store, 'splice-base'), 'utf8').split('\n');
  const foreign = readFileSync(await exportFile(store, 'splice-other', OTHER), 'utf8').split('\n');
  const line33 = (lines: string[]) => lines.findIndex((l) => l.includes('"seq":"33"'));
  // In the file: the other org's row, hashes and all, in place of seq 33.
  honest[line33(honest)] = foreign[line33(foreign)] as string;
  const spliced = join(dir, 'spliced.ndjson');
  writeFileSync(spliced, honest.join('\n'));
  assertVerdict(await verify(spliced), 5, /^TAMPERED: FOREIGN_ROW at seq 33: row seq 33 belongs to another org/);
  // In the database: the other org's row relabelled as ours (the query filters by org).
  await sql(store, `ALTER TABLE audit_log DELETE WHERE org = {org:String} AND seq = 33`);
  await sql(store, `INSERT INTO audit_log SELECT * REPLACE ({org:String} AS org) FROM audit_log WHERE event_id = {e:String}`, { e: `${OTHER}-33` });
  assertVerdict(await verify(await exportFile(store, 'splice-sql')), 5, /^TAMPERED: ROW_EDITED at seq 33/);
});

test('checkpoints signed by an unknown key, or by a key outside its published window, are not trusted', async () => {
  const path = await exportFile(await honestStore(), 'keys');
  const otherKey = join(dir, 'other.keys');
  assert.equal(mcpg('keys', 'generate', '--name', 'test.invalid/tamper', '--out', join(dir, 'other.key'), '--public-out', otherKey).status, 0);
  const unknown = await verifyIn([path, '--public-key', otherKey]);
  assertVerdict(unknown, 6, /^NOT TRUSTED: UNKNOWN_KEY at tree size 10: a checkpoint of size 10 is signed by no key in the keyring/);
  assert.match(unknown.stdout, /signed by: test\.invalid\/tamper\+[0-9a-f]{8}/, 'names the key that did sign');
  // The published keyring retired the key at T0 + 30 s; the worker went on signing with it.
  const retired = join(dir, 'retired.keys');
  writeFileSync(retired, readFileSync(publicKeys, 'utf8').trim() + ` not-after=${new Date(T0 + 30_000).toISOString()}\n`);
  const expired = await verifyIn([path, '--public-key', retired]);
  assertVerdict(expired, 6, /^NOT TRUSTED: EXPIRED_KEY at tree size 40: a checkpoint of size 40 is signed by a key outside its validity window/);
});

test('a cut-short or malformed export is never "verified": the line is named and the exit is non-zero', async () => {
  const lines = readFileSync(await exportFile(await honestStore(), 'cut'), 'utf8').split('\n');
  const cut = join(dir, 'cut.ndjson');
  writeFileSync(cut, lines.slice(0, 30).join('\n') + '\n');
  assertVerdict(await verify(cut), 3, /^NOT VERIFIED: cannot read the export .*incomplete: no end line after line 30/);
  lines[12] = '{"seq": broken';
  writeFileSync(cut, lines.join('\n'));
  assertVerdict(await verify(cut), 3, /^NOT VERIFIED: cannot read the export .*export line 13: not JSON/);
});

/** The honest ledger after retention pruned what occurred before T0 + 25 s: seq 0..19 (whole signed segments). */
async function prunedStore(): Promise<Store> {
  const store = await honestStore();
  const r = await pruneLedger(store, ORG, T0 + 25_000, { wait: true });
  assert.deepEqual([r.prunedSize, r.newlyPruned], [20, 20], 'the prefix ends at the last checkpoint before the first row in the window');
  return store;
}

test('a pruned ledger: the export starts after the pruned prefix and verifies; proofs of retained rows still verify', async () => {
  const store = await prunedStore();
  const path = await exportFile(store, 'pruned');
  const text = readFileSync(path, 'utf8');
  assert.match(text.split('\n')[0]!, /^\{"mcpg_ledger_export":2,"org":"acme-tamper"\}$/);
  assert.match(text, /^\{"pruned":\{"tree_size":"20","frontier":\["[0-9a-f]{64}","[0-9a-f]{64}"\]\}\}$/m);
  assert.doesNotMatch(text, /"seq":"19"/);
  const r = mcpg('verify', path, '--public-key', publicKeys);
  assertVerdict(r, 0, /^VERIFIED: acme-tamper, rows seq 20\.\.59 \(40 rows\) match the checkpoint of size 60/);
  assert.match(r.stdout, /rows seq 0\.\.19 were pruned by the retention plan/);
  // A second run finds nothing more due; the API verifies what is left and says where it starts.
  assert.equal((await pruneLedger(store, ORG, T0 + 25_000, { wait: true })).newlyPruned, 0);
  const whole = await apiVerify(store);
  assert.deepEqual(breakOf(whole), [true, undefined, undefined, undefined]);
  assert.equal(whole.checked.from_seq, 20);
  assert.equal((whole as unknown as { pruned_before: number }).pruned_before, 20);
  // The Merkle nodes of the pruned rows went with them: what stands in for them is the pruned record's frontier.
  const nodes = await store.client.query({ query: 'SELECT countIf(seq < 20) AS pruned, countIf(seq >= 20) AS kept FROM audit_merkle_nodes WHERE org = {org:String}', query_params: { org: ORG }, format: 'JSONEachRow' });
  assert.deepEqual((await nodes.json<{ pruned: string | number; kept: string | number }>()).map((r) => [Number(r.pruned), Number(r.kept)]), [[0, 40]]);
  // Proofs of retained rows, and between retained sizes, verify against the signed roots with the hashes alone.
  const hash = (hex: string) => fromHexStrict(hex)!;
  const app = buildApi({ store, ledgerKeyring: Keyring.parse(readFileSync(publicKeys, 'utf8')) });
  try {
    for (const [seq, size] of [[20, 30], [21, 30], [37, 60], [59, 60], [44, 50]] as const) {
      const res = await app.inject({ method: 'GET', url: `/v1/orgs/${ORG}/audit/proofs/inclusion?seq=${seq}&tree_size=${size}` });
      assert.equal(res.statusCode, 200, res.body);
      const p = res.json() as { leaf_hash: string; proof: string[]; checkpoint: { root: string } };
      assert.ok(verifyInclusion(seq, size, hash(p.leaf_hash), p.proof.map(hash), hash(p.checkpoint.root)), `inclusion of ${seq} in ${size}`);
    }
    for (const [from, to] of [[20, 60], [30, 50], [20, 20], [50, 60]] as const) {
      const res = await app.inject({ method: 'GET', url: `/v1/orgs/${ORG}/audit/proofs/consistency?from=${from}&to=${to}` });
      assert.equal(res.statusCode, 200, res.body);
      const p = res.json() as { proof: string[]; from_checkpoint: { root: string }; to_checkpoint: { root: string } };
      assert.ok(verifyConsistency(from, to, hash(p.from_checkpoint.root), hash(p.to_checkpoint.root), p.proof.map(hash)), `consistency ${from} -> ${to}`);
    }
    // A pruned row, or a tree size inside the pruned prefix, has no proof any more, and the answer says why.
    const row = await app.inject({ method: 'GET', url: `/v1/orgs/${ORG}/audit/proofs/inclusion?seq=5&tree_size=30` });
    assert.equal(row.statusCode, 404, row.body);
    assert.equal(row.json().error.parameter, 'seq');
    assert.match(row.json().error.message, /pruned by the retention plan of acme-tamper: rows before seq 20 are gone/);
    const size = await app.inject({ method: 'GET', url: `/v1/orgs/${ORG}/audit/proofs/consistency?from=10&to=60` });
    assert.equal(size.statusCode, 404, size.body);
    assert.equal(size.json().error.parameter, 'from');
  } finally {
    await app.close();
  }
});

test('a throttled pruning removes the same prefix in steps of whole signed segments, pausing after each, and the export still verifies', async () => {
  const store = await honestStore();
  const pauses: number[] = [];
  const r = await pruneLedger(store, ORG, T0 + 25_000, { wait: true, stepRows: 10, pauseMs: 5, sleep: async (ms) => void pauses.push(ms) });
  assert.deepEqual([r.prunedSize, r.newlyPruned], [20, 20], 'the same prefix as in one deletion');
  assert.equal(pauses.length, 1, 'two steps (to 10, then 20), a pause between');
  assert.ok(pauses[0]! >= 5);
  const rs = await store.client.query({ query: 'SELECT groupArray(tree_size) AS s FROM (SELECT tree_size FROM audit_pruned WHERE org = {org:String} ORDER BY tree_size)', query_params: { org: ORG }, format: 'JSONEachRow' });
  assert.deepEqual((await rs.json<{ s: (string | number)[] }>())[0]!.s.map(Number), [10, 20], 'each step recorded its own verifiable prefix');
  const v = mcpg('verify', await exportFile(store, 'pruned-in-steps'), '--public-key', publicKeys);
  assertVerdict(v, 0, /^VERIFIED: acme-tamper, rows seq 20\.\.59 \(40 rows\)/);
});

test('a pruned ledger: audit searches and CSV downloads that reach before the oldest retained row say where the rows start', async () => {
  const search = async (store: Store, path: string) => {
    const app = buildApi({ store });
    try {
      const res = await app.inject({ method: 'GET', url: path });
      assert.equal(res.statusCode, 200, res.body);
      return res;
    } finally {
      await app.close();
    }
  };
  const csv = (path: string) => `${path}${path.includes('?') ? '&' : '?'}format=csv`;
  // Before pruning, a range before the first row is simply empty: not cut.
  const whole = await honestStore();
  const iso = (ms: number) => new Date(ms).toISOString();
  assert.equal((await search(whole, `/v1/orgs/${ORG}/audit?from=${iso(T0 - 60_000)}`)).json().truncated_before, null);
  assert.equal((await search(whole, csv(`/v1/orgs/${ORG}/audit`))).headers['mcpg-truncated-before'], undefined);
  // Rows seq 0..19 (occurred T0 .. T0 + 19 s) were pruned; seq 20 is the oldest retained.
  const store = await prunedStore();
  const retained = T0 + 20_000;
  for (const path of [`/v1/orgs/${ORG}/audit`, `/v1/orgs/${ORG}/audit?from=${iso(T0)}&limit=5`, `/api/v1/audit/tool-calls?org=${ORG}&from=${iso(T0)}`]) {
    const page = await search(store, path);
    assert.equal(page.json().truncated_before, retained, path);
    assert.equal(page.headers['mcpg-truncated-before'], String(retained), path);
    const download = await search(store, csv(path));
    assert.equal(download.headers['mcpg-truncated-before'], String(retained), `${path} as CSV`);
    assert.doesNotMatch(download.body, new RegExp(`${ORG}-19\\b`), 'no pruned row in the download');
  }
  // A range inside what is retained is whole; so is another org's.
  assert.equal((await search(store, `/v1/orgs/${ORG}/audit?from=${iso(retained)}`)).json().truncated_before, null);
  assert.equal((await search(store, csv(`/v1/orgs/${ORG}/audit?from=${iso(retained + 5_000)}`))).headers['mcpg-truncated-before'], undefined);
  assert.equal((await search(store, `/v1/orgs/${OTHER}/audit`)).json().truncated_before, null);
});

test('a pruned ledger: deleting, editing or inserting a retained row, or dropping its tail, is still tampering', async () => {
  const cases: [string, string, RegExp][] = [
    ['deleted', `ALTER TABLE audit_log DELETE WHERE org = {org:String} AND seq = 27`, /^TAMPERED: ROW_DELETED at seq 27/],
    ['first-deleted', `ALTER TABLE audit_log DELETE WHERE org = {org:String} AND seq = 20`, /^TAMPERED: ROW_DELETED at seq 20/],
    ['edited', `ALTER TABLE audit_log UPDATE actor = 'mallory' WHERE org = {org:String} AND seq = 33`, /^TAMPERED: ROW_EDITED at seq 33/],
    ['tail', `ALTER TABLE audit_log DELETE WHERE org = {org:String} AND seq >= 55`, /^TAMPERED: TAIL_DROPPED at seq 55/],
  ];
  for (const [name, statement, verdict] of cases) {
    const store = await prunedStore();
    await sql(store, statement);
    assertVerdict(await verify(await exportFile(store, `pruned-${name}`)), 5, verdict);
  }
});

test('a pruned ledger: an edited pruned-range hash is NODE_EDITED at the pruned size, offline and in the API', async () => {
  const store = await prunedStore();
  await sql(store, `ALTER TABLE audit_pruned UPDATE frontier = arrayMap(x -> lower(hex(SHA256(x))), frontier) WHERE org = {org:String}`);
  assertVerdict(await verify(await exportFile(store, 'pruned-hash')), 5, /^TAMPERED: NODE_EDITED at tree size 20/);
  // The API's verify starts from the same hashes (the pruned rows' nodes are gone) and names the table they are in.
  assert.deepEqual(breakOf(await apiVerify(store)), [false, 'NODE_EDITED', 20, 'audit_pruned']);
  // Claiming more was pruned than was (rows 20..29 hidden behind a pruned range of 30 with forged hashes) is caught too.
  const other = await prunedStore();
  await sql(other, `INSERT INTO audit_pruned SELECT org, 30, frontier, cutoff, pruned_at FROM audit_pruned WHERE org = {org:String}`);
  assertVerdict(await verify(await exportFile(other, 'pruned-more')), 5, /^TAMPERED: NODE_EDITED at tree size 30/);
});

test('pruning never takes a row inside the window: a late-stamped row holds the prefix back to the checkpoint before it', async () => {
  const store = await honestStore();
  // Row 14 carries a gateway time inside the window (after T0 + 25 s) although the ledger put it at seq 14.
  // (occurred_at is in the sort key: the row is re-inserted with the later time and the original deleted.)
  const e14 = { e14: `${ORG}-14`, t14: T0 + 14_000 };
  await sql(store, `INSERT INTO audit_log SELECT * REPLACE (occurred_at + INTERVAL 40 SECOND AS occurred_at) FROM audit_log WHERE org = {org:String} AND event_id = {e14:String}`, e14);
  await sql(store, `ALTER TABLE audit_log DELETE WHERE org = {org:String} AND event_id = {e14:String} AND toUnixTimestamp64Milli(occurred_at) = {t14:Int64}`, e14);
  const r = await pruneLedger(store, ORG, T0 + 25_000, { wait: true });
  assert.deepEqual([r.prunedSize, r.newlyPruned], [10, 10]);
  // Nothing is due for an org whose rows are all inside the window, nor for one with no ledger.
  assert.equal((await pruneLedger(store, OTHER, T0 - 1, { wait: true })).newlyPruned, 0);
  assert.equal((await pruneLedger(store, 'nobody', T0 + 1e9, { wait: true })).newlyPruned, 0);
});
