// The ledger worker's JS work per row, stage by stage, on one thread and with
// no storage: what each routed audit message costs from its Avro bytes to the
// RowBinary bodies of audit_log and audit_merkle_nodes.
//   decode  Avro single-object bytes → event, org and key checked, the row's
//           fields checked (decodeLedgerMessage without its masking)
//   mask    the masker over arguments / response / error
//   fold + encode
//           seq, canonical encoding, leaf hash, chain link, Merkle nodes,
//           Ed25519 checkpoints, and the RowBinary of the rows and of their
//           node hashes, transcoded from the canonical bytes as the worker
//           writes them on the embedded engine (foldLedgerChunk)
// Each batch passes the stages in turn, each timed on its own; the best round
// of each stage is kept. µs per row = CPU time of the process / rows (one
// thread does everything here, so CPU ≈ wall; garbage collection counts in
// the stage it interrupts).
//   node --import tsx bench/ledger-stages.ts [rows=200000] [batch=20000] [chunk=LEDGER_CHUNK_ROWS] [rounds=3]
import { cpus, loadavg } from 'node:os';
import { execFileSync } from 'node:child_process';
import type { AuditEvent } from '@mcpg/events';
import { SigningKeys, signerKeyFromSeed } from '@mcpg/ledger';
import { createMasker } from '@mcpg/masking';
import { LedgerInsertChunk, type LedgerStateRecord } from '@mcpg/store';
import { LEDGER_CHUNK_ROWS, decodeLedgerMessage, foldLedgerChunk, maskAuditEvent, type PendingLedgerEvent } from '@mcpg/workers';
import { routedAuditMessages } from './ledger-bench-messages.ts';

const ROWS = Number(process.argv[2] ?? 200_000);
const BATCH = Number(process.argv[3] ?? 20_000);
const CHUNK = Number(process.argv[4] ?? LEDGER_CHUNK_ROWS);
const ROUNDS = Number(process.argv[5] ?? 3);
const segments = { rows: 1000, seconds: 60 };
const keys = new SigningKeys([{ key: signerKeyFromSeed('bench.invalid/ledger', new Uint8Array(32).fill(9)), window: { notBefore: null, notAfter: null } }]);
const masker = createMasker();
// decodeLedgerMessage with a masker that does nothing: the mask stage is timed apart.
const noMask = { maskText: (s: string) => s } as unknown as typeof masker;

console.log(`ledger stages: ${ROWS} routed audit messages, one org, batches of ${BATCH} folded in chunks of ${CHUNK}, ${ROUNDS} rounds (best kept)`);
console.log(`${cpus()[0]?.model ?? 'cpu'} ×${cpus().length}, Node ${process.version}`);
console.log(`uptime: ${execFileSync('uptime').toString().trim()}`);

const messages = routedAuditMessages(ROWS);

const cpuUs = (f: () => void): number => {
  const c0 = process.cpuUsage();
  f();
  const c = process.cpuUsage(c0);
  return c.user + c.system;
};

// The worker holds one flush at a time (MCPG_WORKER_BATCH_ROWS, 20,000 by
// default): each batch goes through every stage before the next one is
// decoded, so the heap holds what the worker's would.
const STAGES = ['decode', 'mask', 'fold + encode'] as const;
// The worker's two chunk writers, taking turns.
const chunks = [new LedgerInsertChunk(), new LedgerInsertChunk()];
const best: Record<string, number> = {};
for (let r = 0; r < ROUNDS; r++) {
  const spent: Record<string, number> = { decode: 0, mask: 0, 'fold + encode': 0 };
  let stored = new Map<string, LedgerStateRecord>();
  for (let at = 0; at < ROWS; at += BATCH) {
    const end = Math.min(ROWS, at + BATCH);
    let decoded: PendingLedgerEvent[] = [];
    spent.decode! += cpuUs(() => {
      decoded = new Array(end - at);
      for (let i = at; i < end; i++) decoded[i - at] = decodeLedgerMessage(noMask, messages[i]!);
    });
    let masked: PendingLedgerEvent[] = [];
    spent.mask! += cpuUs(() => {
      masked = decoded.map((d) => ({ ...d, event: maskAuditEvent(masker, d.event as AuditEvent) }));
    });
    spent['fold + encode']! += cpuUs(() => {
      for (let c = 0, k = 0; c < masked.length; c += CHUNK, k++) {
        const w = foldLedgerChunk(chunks[k % 2]!, masked.slice(c, c + CHUNK), stored, segments, keys);
        stored = new Map(w.states.map((s) => [s.org, s]));
      }
    });
  }
  for (const name of STAGES) best[name] = Math.min(best[name] ?? Infinity, spent[name]! / ROWS);
  console.log(`round ${r + 1}: ${STAGES.map((n) => `${n} ${(spent[n]! / ROWS).toFixed(2)}`).join(' · ')} µs/row`);
}
const sum = (names: string[]) => names.reduce((s, n) => s + best[n]!, 0);
console.log('stage     µs per row (best round)');
for (const name of STAGES) console.log(`${name.padEnd(13)}  ${best[name]!.toFixed(2).padStart(6)}`);
const core = sum(['decode', 'fold + encode']);
console.log(`decode + hash + fold + encode: ${core.toFixed(2)} µs/row = ${Math.round(1e6 / core).toLocaleString('en-US')} rows per CPU-second`);
console.log(`with masking:                  ${sum([...STAGES]).toFixed(2)} µs/row = ${Math.round(1e6 / sum([...STAGES])).toLocaleString('en-US')} rows per CPU-second`);
console.log(`load at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
