// The ledger's pure core, without storage: how fast rows become leaves and
// chain links, what a checkpoint costs, and what an inclusion proof costs at
// 10M leaves. Proofs are served from stored perfect-node hashes (the level
// hashes CompactRange reports as the tree grows, 2 × 32 bytes per leaf in all):
// a proof reads O(log n) of them and rehashes only the right edge. The compact
// range alone (O(log n) hashes) gives roots, not proofs.
//   node --import tsx bench/ledger-core.ts [rows=1000000] [proofLeaves=10000000]
import { cpus } from 'node:os';
import {
  CompactRange,
  InMemoryNodeStore,
  LedgerFold,
  consistencyProof,
  inclusionProof,
  leafHash,
  openCheckpoint,
  rowLeafHash,
  signCheckpoint,
  signerKeyFromSeed,
  verifyConsistency,
  verifyInclusion,
  Keyring,
  ALWAYS,
  verifierKeyOf,
  type LedgerEvent,
} from '@mcpg/ledger';

const ROWS = Number(process.argv[2] ?? 1_000_000);
const PROOF_LEAVES = Number(process.argv[3] ?? 10_000_000);
const T0 = Date.UTC(2026, 0, 1);

// 1,000 distinct masked audit events of realistic size, cycled; every row still
// hashes differently because seq is part of it.
const events: LedgerEvent[] = Array.from({ length: 1000 }, (_, i) => ({
  org: 'acme',
  event_id: `01J9Z3Q4V8K2M5N7P0R3S${String(i).padStart(5, '0')}`,
  workspace: `workspace-${i % 20}`,
  instance: `gw-${i % 8}`,
  occurred_at: T0 + i,
  action: i % 10 === 0 ? 'policy.deny' : 'tool.call',
  actor: `user-${i % 200}@acme.example`,
  resource: `github__tool_${i % 40}`,
  decision: i % 10 === 0 ? 'deny' : 'permit',
  outcome: i % 10 === 0 ? 'denied' : 'ok',
  latency_us: 1000 + i,
  arguments: `{"repo":"acme/web-${i % 30}","title":"[MASKED]","labels":["bug","p${i % 4}"]}`,
  response: i % 3 === 0 ? null : `created issue #${i}`,
  error: null,
  trace_id: (i * 7919).toString(16).padStart(32, '0'),
}));

const rate = (n: number, ms: number): string => `${Math.round((n / ms) * 1000).toLocaleString('en-US')} rows/s`;
const us = (ms: number, n: number): string => `${((ms * 1000) / n).toFixed(1)} µs`;

function time<T>(f: () => T): [T, number] {
  const t = performance.now();
  const out = f();
  return [out, performance.now() - t];
}

console.log(`ledger core · node ${process.version} · ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}`);

// 1. Rows → leaves → chain + frontier.
const [, leafMs] = time(() => {
  for (let i = 0; i < ROWS; i++) rowLeafHash({ ...(events[i % 1000] as LedgerEvent), seq: BigInt(i) });
});
console.log(`canonical encoding + leaf hash, ${ROWS.toLocaleString('en-US')} rows: ${rate(ROWS, leafMs)}`);
const fold = new LedgerFold('acme');
const [, foldMs] = time(() => {
  for (let i = 0; i < ROWS; i++) fold.append(events[i % 1000] as LedgerEvent);
});
console.log(`fold (encode, leaf, chain link, compact-range append): ${rate(ROWS, foldMs)}`);
const stored = new LedgerFold('acme');
const nodes = new InMemoryNodeStore();
const [, storedMs] = time(() => {
  for (let i = 0; i < ROWS; i++) stored.append(events[i % 1000] as LedgerEvent, nodes.put);
});
console.log(`fold + keeping every perfect node for proofs: ${rate(ROWS, storedMs)}`);

// 2. Checkpoints.
const key = signerKeyFromSeed('mcpg.dev/ledger', new Uint8Array(32).fill(1));
const keyring = new Keyring([{ key: verifierKeyOf(key), window: ALWAYS }]);
const SIGNS = 200;
let note = '';
const [, signMs] = time(() => {
  for (let i = 0; i < SIGNS; i++) note = signCheckpoint(fold.checkpoint(), key);
});
const [, openMs] = time(() => {
  for (let i = 0; i < SIGNS; i++) openCheckpoint(note, keyring, fold.origin);
});
console.log(`checkpoint: root + sign ${us(signMs, SIGNS)}, open + strict verify ${us(openMs, SIGNS)} (${SIGNS} each)`);

// 3. Proofs at 10M leaves, from stored perfect nodes.
const big = new InMemoryNodeStore();
const range = new CompactRange();
const leafInput = new Uint8Array(8);
const view = new DataView(leafInput.buffer);
const [, buildMs] = time(() => {
  for (let i = 0; i < PROOF_LEAVES; i++) {
    view.setFloat64(0, i);
    range.append(leafHash(leafInput), big.put);
  }
});
const root = range.root();
console.log(
  `tree of ${PROOF_LEAVES.toLocaleString('en-US')} leaves with node store built in ${(buildMs / 1000).toFixed(1)} s ` +
    `(${rate(PROOF_LEAVES, buildMs)}), heap+buffers ${Math.round(process.memoryUsage().arrayBuffers / 2 ** 20)} MiB`,
);
const mth = big.subtreeHasher();
const PROOFS = 10_000;
let seed = 12345;
const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % PROOF_LEAVES;
const indices = Array.from({ length: PROOFS }, next);
const [proofs, genMs] = time(() => indices.map((i) => inclusionProof(i, PROOF_LEAVES, mth)));
const [, verMs] = time(() => {
  proofs.forEach((p, k) => {
    view.setFloat64(0, indices[k] as number);
    if (!verifyInclusion(indices[k] as number, PROOF_LEAVES, leafHash(leafInput), p, root)) throw new Error('proof failed');
  });
});
console.log(
  `inclusion proof at ${PROOF_LEAVES.toLocaleString('en-US')} leaves (${proofs[0]?.length} hashes): ` +
    `generate ${us(genMs, PROOFS)}, verify ${us(verMs, PROOFS)} (mean of ${PROOFS.toLocaleString('en-US')} random leaves)`,
);
const pairs = Array.from({ length: 1000 }, () => [next(), next()].sort((a, b) => a - b) as [number, number]);
const [cproofs, cgenMs] = time(() => pairs.map(([a]) => consistencyProof(Math.max(a, 1), PROOF_LEAVES, mth)));
const [, cverMs] = time(() => {
  pairs.forEach(([a], k) => {
    const size1 = Math.max(a, 1);
    if (!verifyConsistency(size1, PROOF_LEAVES, mth(0, size1), root, cproofs[k] as Uint8Array[])) throw new Error('consistency failed');
  });
});
console.log(`consistency proof to ${PROOF_LEAVES.toLocaleString('en-US')} leaves: generate ${us(cgenMs, 1000)}, verify ${us(cverMs, 1000)} (incl. the old root from nodes)`);
