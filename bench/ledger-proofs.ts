// Inclusion and consistency proofs of a large org ledger, through the API's
// routes (fastify inject: checkpoint lookup, node query, proof) and through
// the store functions they call. The ledger is seeded the fast way: the fold
// runs in this process (leaf and node hashes, a signed checkpoint every 1,000
// rows) and only what proofs read is stored — the Merkle node rows and the
// checkpoints, not the audit_log rows. Every answer is checked against the
// signed root, so a fast wrong proof cannot pass.
//   node --import tsx bench/ledger-proofs.ts [leaves=10000000] [samples=500] [dataDir]
// With a dataDir that already holds a seeded ledger, seeding is skipped.
import { cpus, loadavg, tmpdir } from 'node:os';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildApi } from '@mcpg/api';
import {
  SegmentedLedger,
  SigningKeys,
  fromHexStrict,
  keyIdHex,
  rootFromInclusionProof,
  signCheckpoint,
  signerKeyFromSeed,
  toHex,
  verifyConsistency,
  type Hash,
  type LedgerEvent,
} from '@mcpg/ledger';
import { createStore, insertCheckpoints, insertMerkleNodes, migrate, storedInclusionProof, type CheckpointRecord, type MerkleNodeRow } from '@mcpg/store';

const LEAVES = Number(process.argv[2] ?? 10_000_000);
const SAMPLES = Number(process.argv[3] ?? 500);
const given = process.argv[4];
const ORG = 'org-0';
const SEGMENT = 1000;
const T0 = Date.UTC(2026, 0, 1);
const keys = new SigningKeys([{ key: signerKeyFromSeed('bench.invalid/ledger', new Uint8Array(32).fill(9)), window: { notBefore: null, notAfter: null } }]);

const dir = given ?? mkdtempSync(join(tmpdir(), 'mcpg-bench-proofs-'));
const seeded = given !== undefined && existsSync(join(dir, 'seeded'));
const store = await createStore({ kind: 'embedded', dataDir: dir, database: 'bench_proofs' });
await migrate(store);
console.log(`ledger proofs: ${LEAVES} leaves in one org, checkpoints every ${SEGMENT} rows, ${SAMPLES} samples`);
console.log(`${cpus()[0]?.model ?? 'cpu'} ×${cpus().length}, Node ${process.version}, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);

const event = (i: number): LedgerEvent => ({
  org: ORG, event_id: `e${i}`, workspace: 'w', instance: 'g', occurred_at: T0 + i, action: 'tool.call', actor: `a${i % 50}`,
  resource: 'github__get_file', decision: 'permit', outcome: 'ok', latency_us: i % 5000, arguments: null, response: null, error: null, trace_id: null,
});

if (!seeded) {
  // Event time moves 1 ms per row: only the row count closes segments.
  const ledger = new SegmentedLedger(ORG, { rows: SEGMENT, seconds: 86_400 });
  const CHUNK = 200_000;
  let foldMs = 0;
  let waitMs = 0;
  const s0 = performance.now();
  const cpu0 = process.cpuUsage();
  let writing: Promise<unknown> = Promise.resolve();
  for (let start = 0; start < LEAVES; start += CHUNK) {
    const f0 = performance.now();
    const nodes: MerkleNodeRow[] = [];
    const checkpoints: CheckpointRecord[] = [];
    for (let i = start; i < Math.min(LEAVES, start + CHUNK); i++) {
      const completed: Hash[] = [];
      const { closed } = ledger.append(event(i), (_l, _i, h) => completed.push(h));
      nodes.push({ org: ORG, seq: i, nodes: completed });
      for (const { checkpoint: cp, firstSeq, closedBy } of closed) {
        const signer = keys.signerFor(cp.eventTime);
        checkpoints.push({
          org: ORG, treeSize: cp.size, firstSeq, root: toHex(cp.root), chainHead: toHex(cp.chainHead), eventTime: cp.eventTime, closedBy,
          keyName: signer.name, keyId: keyIdHex(signer.keyId), signature: '', note: signCheckpoint(cp, signer),
        });
      }
    }
    foldMs += performance.now() - f0;
    const w0 = performance.now();
    await writing;
    waitMs += performance.now() - w0;
    writing = Promise.all([insertMerkleNodes(store, nodes), insertCheckpoints(store, checkpoints)]);
    writing.catch(() => undefined);
  }
  await writing;
  const cpu = process.cpuUsage(cpu0);
  const ms = performance.now() - s0;
  console.log(
    `seeding: ${(ms / 1000).toFixed(0)} s for ${LEAVES} leaves (${Math.round(LEAVES / (ms / 1000)).toLocaleString('en-US')} leaves/s; fold + hash + sign ${(foldMs / 1000).toFixed(0)} s, ` +
      `waiting for inserts ${(waitMs / 1000).toFixed(0)} s; CPU ${((cpu.user + cpu.system) / 1e6).toFixed(0)} s)`,
  );
  const m0 = performance.now();
  await store.client.command({ query: 'OPTIMIZE TABLE audit_merkle_nodes FINAL' });
  console.log(`merging the node table into one part: ${((performance.now() - m0) / 1000).toFixed(0)} s`);
  if (given !== undefined) await import('node:fs').then((fs) => fs.writeFileSync(join(dir, 'seeded'), ''));
}

// The work of each request, not answers reused (bench/api-load.ts measures those).
const app = buildApi({ store, load: false });
await app.ready();
const get = async (url: string) => {
  const res = await app.inject({ method: 'GET', url });
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  return res.json<{ proof: string[]; leaf_hash?: string; checkpoint?: { root: string }; from_checkpoint?: { root: string }; to_checkpoint?: { root: string } }>();
};
const hex = (h: string) => fromHexStrict(h)!;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!.toFixed(1);
// A deterministic spread of indices over the whole tree.
const pick = (k: number, n: number) => Number((BigInt(k) * 2654435761n * 40503n) % BigInt(n));

const size = Math.floor(LEAVES / SEGMENT) * SEGMENT;
for (let k = 0; k < 20; k++) await get(`/v1/orgs/${ORG}/audit/proofs/inclusion?seq=${pick(k, size)}&tree_size=${size}`); // warm-up
const inc: number[] = [];
const incStore: number[] = [];
const cons: number[] = [];
for (let k = 0; k < SAMPLES; k++) {
  const seq = pick(k + 100, size);
  const a0 = performance.now();
  const r = await get(`/v1/orgs/${ORG}/audit/proofs/inclusion?seq=${seq}&tree_size=${size}`);
  inc.push(performance.now() - a0);
  const root = rootFromInclusionProof(seq, size, hex(r.leaf_hash!), r.proof.map(hex));
  if (root === undefined || toHex(root) !== r.checkpoint!.root) throw new Error(`inclusion proof of ${seq} does not lead to the signed root`);
  const b0 = performance.now();
  await storedInclusionProof(store, ORG, seq, size);
  incStore.push(performance.now() - b0);
  const from = SEGMENT * (1 + pick(k + 7, size / SEGMENT - 1));
  const c0 = performance.now();
  const c = await get(`/v1/orgs/${ORG}/audit/proofs/consistency?from=${from}&to=${size}`);
  cons.push(performance.now() - c0);
  if (!verifyConsistency(from, size, hex(c.from_checkpoint!.root), hex(c.to_checkpoint!.root), c.proof.map(hex))) throw new Error(`consistency proof ${from} -> ${size} does not verify`);
}
console.log(`load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(`inclusion proof, GET .../audit/proofs/inclusion at ${size} leaves   p50 ${pct(inc, 0.5)} ms, p99 ${pct(inc, 0.99)} ms (every proof checked against the signed root)`);
console.log(`  of which storedInclusionProof alone                       p50 ${pct(incStore, 0.5)} ms, p99 ${pct(incStore, 0.99)} ms`);
console.log(`consistency proof, GET .../audit/proofs/consistency to ${size}     p50 ${pct(cons, 0.5)} ms, p99 ${pct(cons, 0.99)} ms (every proof verified)`);
await app.close();
await store.close();
if (given === undefined) rmSync(dir, { recursive: true, force: true });
