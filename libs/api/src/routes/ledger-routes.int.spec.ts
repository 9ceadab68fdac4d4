// The ledger routes over a ledger written by the worker's write path: the
// checkpoint history pages, proofs check against the signed roots, the keys
// are published with their windows, and the verify endpoint finds rows an
// operator changed with SQL, and answers 404 with the signed range otherwise.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Keyring,
  SegmentedLedger,
  parseLedgerExport,
  verifyLedger,
  SigningKeys,
  fromHexStrict,
  keyIdHex,
  openCheckpoint,
  signCheckpoint,
  signerKeyFromSeed,
  toHex,
  verifyConsistency,
  verifyInclusion,
  type Hash,
  type LedgerEvent,
} from '@mcpg/ledger';
import { insertCheckpoints, insertLedgerRows, insertMerkleNodes, type Store } from '@mcpg/store';
import { createTestApi, type TestApi } from '../testing/api-test-app.ts';

const ORG = 'ledger-api';
const T0 = Date.UTC(2026, 3, 1);
const ROTATION = T0 + 30_000;
const signing = new SigningKeys([
  { key: signerKeyFromSeed('test.invalid/api', new Uint8Array(32).fill(5)), window: { notBefore: null, notAfter: ROTATION } },
  { key: signerKeyFromSeed('test.invalid/api', new Uint8Array(32).fill(6)), window: { notBefore: ROTATION, notAfter: null } },
]);
const keyring = signing.keyring();
let api: TestApi;

const event = (i: number): LedgerEvent => ({
  org: ORG, event_id: `e-${i}`, workspace: 'w', instance: 'gw', occurred_at: T0 + i * 1000, action: 'tool.call', actor: `a-${i % 3}`,
  resource: 'r', decision: 'permit', outcome: 'ok', latency_us: i, arguments: null, response: null, error: null, trace_id: null,
});

/** The ledger as the worker stores it: rows, the nodes each append completed, signed checkpoints. */
async function writeLedger(store: Store, count: number): Promise<void> {
  const ledger = new SegmentedLedger(ORG, { rows: 10, seconds: 3600 });
  for (let i = 0; i < count; i++) {
    const nodes: Hash[] = [];
    const { appended, closed } = ledger.append(event(i), (_l, _i, h) => nodes.push(h));
    await insertLedgerRows(store, [{ ...appended, sourcePartition: 0, sourceOffset: String(i) }]);
    await insertMerkleNodes(store, [{ org: ORG, seq: i, nodes }]);
    for (const { checkpoint: cp, firstSeq, closedBy } of closed) {
      const signer = signing.signerFor(cp.eventTime);
      await insertCheckpoints(store, [{
        org: ORG, treeSize: cp.size, firstSeq, root: toHex(cp.root), chainHead: toHex(cp.chainHead), eventTime: cp.eventTime, closedBy,
        keyName: signer.name, keyId: keyIdHex(signer.keyId), signature: '', note: signCheckpoint(cp, signer),
      }]);
    }
  }
}

before(async () => {
  api = await createTestApi({ ledgerKeyring: keyring });
  // 55 rows, a checkpoint every 10: rows 50..54 are not signed yet.
  await writeLedger(api.store, 55);
});
after(() => api.close());

interface CheckpointBody {
  tree_size: number;
  first_seq: number;
  note: string;
}
/** The fields these tests read from the routes' bodies. */
interface Body {
  latest: CheckpointBody | null;
  checkpoints: CheckpointBody[];
  next_before_size: number | null;
  checkpoint: CheckpointBody;
  from_checkpoint: CheckpointBody;
  to_checkpoint: CheckpointBody;
  leaf_hash: string;
  proof: string[];
  keys: { not_before: string | null; not_after: string | null }[];
  keyring: string;
  verified: boolean;
  signed_by: string[];
  to_seq: number;
  error: { code: string; message: string; seq?: number; available?: unknown };
}
const get = async (url: string) => {
  const r = await api.app.inject({ method: 'GET', url });
  return { status: r.statusCode, body: r.json() as Body };
};
const hash = (hex: string): Hash => fromHexStrict(hex) as Hash;

test('checkpoints: the latest and the history, newest first, in pages', async () => {
  const first = await get(`/v1/orgs/${ORG}/audit/checkpoints?limit=2`);
  assert.equal(first.status, 200);
  assert.equal(first.body.latest?.tree_size, 50);
  assert.deepEqual(first.body.checkpoints.map((c) => c.tree_size), [50, 40]);
  const next = await get(`/v1/orgs/${ORG}/audit/checkpoints?limit=10&before_size=${first.body.next_before_size ?? ''}`);
  assert.deepEqual(next.body.checkpoints.map((c) => [c.first_seq, c.tree_size]), [[20, 30], [10, 20], [0, 10]]);
  assert.equal(next.body.next_before_size, null);
  const opened = openCheckpoint(first.body.latest?.note ?? '', keyring);
  assert.equal(opened.checkpoint.size, 50, 'the note is a checkpoint signed by a published key');
  assert.equal((await get('/v1/orgs/nobody/audit/checkpoints')).body.latest, null);
  assert.equal((await get(`/v1/orgs/${ORG}/audit/checkpoints?limit=0`)).status, 400);
});

test('inclusion and consistency proofs verify against the signed roots', async () => {
  const inc = await get(`/v1/orgs/${ORG}/audit/proofs/inclusion?seq=13&tree_size=20`);
  assert.equal(inc.status, 200);
  const root = openCheckpoint(inc.body.checkpoint.note, keyring).checkpoint.root;
  assert.ok(verifyInclusion(13, 20, hash(inc.body.leaf_hash), inc.body.proof.map(hash), root));
  assert.ok(!verifyInclusion(12, 20, hash(inc.body.leaf_hash), inc.body.proof.map(hash), root));

  const con = await get(`/v1/orgs/${ORG}/audit/proofs/consistency?from=10&to=50`);
  assert.equal(con.status, 200);
  const r10 = openCheckpoint(con.body.from_checkpoint.note, keyring).checkpoint.root;
  const r50 = openCheckpoint(con.body.to_checkpoint.note, keyring).checkpoint.root;
  assert.ok(verifyConsistency(10, 50, r10, r50, con.body.proof.map(hash)));

  const unsigned = await get(`/v1/orgs/${ORG}/audit/proofs/inclusion?seq=3&tree_size=25`);
  assert.equal(unsigned.status, 404);
  assert.match(unsigned.body.error.message, /no signed checkpoint of ledger-api has tree size 25/);
  assert.equal((await get(`/v1/orgs/${ORG}/audit/proofs/inclusion?seq=20&tree_size=20`)).status, 400);
  assert.equal((await get(`/v1/orgs/${ORG}/audit/proofs/consistency?from=30&to=20`)).status, 400);
  assert.equal((await get(`/v1/orgs/${ORG}/audit/proofs/consistency?from=15&to=20`)).status, 404);
});

test('public keys are published with their event-time windows, as a keyring mcpg verify reads', async () => {
  const keys = await get('/v1/ledger/keys');
  assert.equal(keys.status, 200);
  assert.deepEqual(keys.body.keys.map((k) => [k.not_before, k.not_after]), [
    [null, new Date(ROTATION).toISOString()],
    [new Date(ROTATION).toISOString(), null],
  ]);
  assert.equal(Keyring.parse(keys.body.keyring).format(), keyring.format());
  assert.doesNotMatch(JSON.stringify(keys.body), /PRIVATE/);
});

test('verify: an untouched range verifies, a range beyond the signed rows is 404 with the signed range', async () => {
  const ok = await get(`/v1/orgs/${ORG}/audit/verify?from_seq=5&to_seq=27`);
  assert.equal(ok.status, 200);
  assert.equal(ok.body.verified, true, JSON.stringify(ok.body.error));
  assert.equal(ok.body.checkpoint.tree_size, 30, 'checked against the smallest checkpoint covering it');
  assert.deepEqual(ok.body.signed_by, ['test.invalid/api']);
  assert.equal((await get(`/v1/orgs/${ORG}/audit/verify`)).body.to_seq, 49, 'default: everything signed');
  for (const qs of ['from_seq=40&to_seq=52', 'from_seq=100&to_seq=200']) {
    const missing = await get(`/v1/orgs/${ORG}/audit/verify?${qs}`);
    assert.equal(missing.status, 404, qs);
    assert.deepEqual(missing.body.error.available, { from_seq: 0, to_seq: 49 });
    assert.equal(missing.body.error.code, 'NOT_FOUND');
  }
  const none = await get('/v1/orgs/nobody/audit/verify');
  assert.equal(none.status, 404);
  assert.equal(none.body.error.available, null);
  assert.equal((await get(`/v1/orgs/${ORG}/audit/verify?from_seq=9&to_seq=3`)).status, 400);
});

test('verify: rows changed or deleted with SQL are named by seq; other ranges still verify', async () => {
  const sql = (query: string) => api.store.client.command({ query, query_params: { org: ORG }, clickhouse_settings: { mutations_sync: '2' } });
  await sql(`ALTER TABLE audit_log UPDATE outcome = 'error' WHERE org = {org:String} AND seq = 13`);
  await sql(`ALTER TABLE audit_log DELETE WHERE org = {org:String} AND seq = 33`);
  const edited = await get(`/v1/orgs/${ORG}/audit/verify?from_seq=10&to_seq=19`);
  assert.equal(edited.body.verified, false);
  assert.deepEqual([edited.body.error.code, edited.body.error.seq], ['ROW_EDITED', 13]);
  const deleted = await get(`/v1/orgs/${ORG}/audit/verify?from_seq=30&to_seq=39`);
  assert.deepEqual([deleted.body.verified, deleted.body.error.code, deleted.body.error.seq], [false, 'ROW_DELETED', 33]);
  assert.equal((await get(`/v1/orgs/${ORG}/audit/verify?from_seq=20&to_seq=29`)).body.verified, true);
  // Without the stored leaf hash the edit cannot be located, but the signed root still does not match.
  await sql(`ALTER TABLE audit_merkle_nodes DELETE WHERE org = {org:String} AND seq = 13`);
  const rewritten = await get(`/v1/orgs/${ORG}/audit/verify?from_seq=10&to_seq=19`);
  assert.deepEqual([rewritten.body.verified, rewritten.body.error.code], [false, 'ROW_EDITED']);
});

test('export: the NDJSON an offline verifier accepts, the same as mcpg export-audit writes', async () => {
  const r = await api.app.inject({ method: 'GET', url: `/v1/orgs/${ORG}/audit/export` });
  assert.equal(r.statusCode, 200);
  assert.match(String(r.headers['content-type']), /^application\/x-ndjson/);
  const exported = parseLedgerExport(r.body);
  assert.equal(exported.org, ORG);
  assert.equal(exported.rows.length, 54, 'what the database holds: 55 rows, one deleted by SQL');
  assert.equal(exported.checkpoints.length, 5);
  // Rows 13 and 33 were changed with SQL by the previous test: the verifier says so.
  const verdict = verifyLedger({ org: ORG, rows: exported.rows, checkpoints: exported.checkpoints, keyring });
  assert.equal(verdict.ok, false);
  assert.deepEqual(verdict.ok ? undefined : [verdict.error.code, verdict.error.seq], ['ROW_EDITED', 13n]);
  const empty = parseLedgerExport((await api.app.inject({ method: 'GET', url: '/v1/orgs/nobody/audit/export' })).body);
  assert.deepEqual([empty.rows.length, empty.checkpoints.length], [0, 0]);
});
