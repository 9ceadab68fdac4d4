// docs/ledger-format.md is a specification an independent verifier can be
// written from. This spec is that verifier: written from the document alone,
// with node:crypto and nothing of this library, it reads the document's worked
// example and verifies it, and refuses the same example tampered with. If the
// document and the format drift apart, this fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify as verifySignature } from 'node:crypto';
import { readFileSync } from 'node:fs';
// Only to check that the library agrees with the page on the pruned example; the verifier below uses none of it.
import { Keyring, parseLedgerExport, verifyLedger } from '../index.ts';

const doc = readFileSync(new URL('../../../../docs/ledger-format.md', import.meta.url), 'utf8');

/** The fenced block that follows `<!-- ledger-format-example:<name> -->`. */
function example(name: string): string {
  const m = new RegExp(`<!-- ledger-format-example:${name} -->\\n\`\`\`[a-z]*\\n([\\s\\S]*?)\`\`\``).exec(doc);
  assert.ok(m, `the document has no ${name} example`);
  return m[1] as string;
}

const sha256 = (...parts: Buffer[]): Buffer => createHash('sha256').update(Buffer.concat(parts)).digest();

// §3
function uvarint(n: number): Buffer {
  const out: number[] = [];
  do {
    const low = n % 128;
    n = Math.floor(n / 128);
    out.push(n > 0 ? low | 0x80 : low);
  } while (n > 0);
  return Buffer.from(out);
}
const str = (s: string): Buffer => Buffer.concat([uvarint(Buffer.byteLength(s, 'utf8')), Buffer.from(s, 'utf8')]);
const u64 = (n: bigint): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(n);
  return b;
};
const i64 = (n: number): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(n));
  return b;
};
const opt = <T>(v: T | null, enc: (x: T) => Buffer): Buffer => (v === null ? Buffer.from([0]) : Buffer.concat([Buffer.from([1]), enc(v)]));

type Row = Record<string, unknown>;
const ROW_FIELDS = ['org', 'seq', 'event_id', 'workspace', 'instance', 'occurred_at', 'action', 'actor', 'resource', 'decision', 'outcome', 'latency_us', 'arguments', 'response', 'error', 'trace_id'];

function canonical(r: Row): Buffer {
  const s = (k: string) => str(r[k] as string);
  const os = (k: string) => opt(r[k] as string | null, str);
  return Buffer.concat([
    Buffer.from([1]), u64(BigInt(r['seq'] as string)), s('org'), s('event_id'), s('workspace'), s('instance'), i64(r['occurred_at'] as number),
    s('action'), s('actor'), s('resource'), s('decision'), s('outcome'), opt(r['latency_us'] as number | null, i64),
    os('arguments'), os('response'), os('error'), os('trace_id'),
  ]);
}
const leaf = (r: Row): Buffer => sha256(Buffer.from([0]), canonical(r));

// §4
const genesis = (org: string): Buffer => sha256(Buffer.from('mcpg/ledger/v1/genesis\0'), Buffer.from(org, 'utf8'));
const chain = (prev: Buffer, l: Buffer): Buffer => sha256(Buffer.from('mcpg/ledger/v1/chain\0'), prev, l);

// §5
function mth(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return sha256(Buffer.alloc(0));
  if (leaves.length === 1) return leaves[0] as Buffer;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha256(Buffer.from([1]), mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

// §7
interface Key {
  name: string;
  id: Buffer;
  publicKey: Buffer;
  notBefore: number;
  notAfter: number;
}
function parseKeyring(text: string): Key[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((line) => {
      const [spec, ...windows] = line.split(' ');
      // Split at the first two "+" only: the base64 may hold "+" too.
      const first = (spec as string).indexOf('+');
      const name = (spec as string).slice(0, first);
      const idHex = (spec as string).slice(first + 1, first + 9);
      const material = (spec as string).slice(first + 10);
      const raw = Buffer.from(material, 'base64');
      assert.equal(raw[0], 1, 'algorithm byte 0x01 (Ed25519)');
      const publicKey = raw.subarray(1);
      const id = sha256(Buffer.from(name, 'utf8'), Buffer.from([0x0a, 0x01]), publicKey).subarray(0, 4);
      assert.equal(id.toString('hex'), idHex, 'the key id is the hash of name and key');
      const bound = (k: string, dflt: number) => {
        const w = windows.find((x) => x.startsWith(`${k}=`));
        return w === undefined ? dflt : Date.parse(w.slice(k.length + 1));
      };
      return { name, id, publicKey, notBefore: bound('not-before', -Infinity), notAfter: bound('not-after', Infinity) };
    });
}

// §6
interface Checkpoint {
  size: number;
  root: Buffer;
  chainHead: Buffer;
  eventTime: number;
}
function openCheckpoint(note: string, org: string, keys: readonly Key[]): Checkpoint {
  const split = note.indexOf('\n\n');
  const text = note.slice(0, split + 1);
  const lines = text.slice(0, -1).split('\n');
  assert.equal(lines.length, 5);
  const [origin, size, root, chainLine, timeLine] = lines as [string, string, string, string, string];
  assert.equal(origin, `mcpg.dev/ledger/${org}`);
  assert.ok(chainLine.startsWith('chain-head ') && timeLine.startsWith('event-time-ms '));
  const cp = {
    size: Number(size),
    root: Buffer.from(root, 'base64'),
    chainHead: Buffer.from(chainLine.slice('chain-head '.length), 'base64'),
    eventTime: Number(timeLine.slice('event-time-ms '.length)),
  };
  let trusted = false;
  for (const sigLine of note.slice(split + 2).split('\n').filter((l) => l !== '')) {
    assert.ok(sigLine.startsWith('\u2014 '), 'a signature line starts with an em dash and a space');
    const [name, b64] = sigLine.slice(2).split(' ') as [string, string];
    const blob = Buffer.from(b64, 'base64');
    const key = keys.find((k) => k.name === name && k.id.equals(blob.subarray(0, 4)));
    if (key === undefined) continue;
    const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: key.publicKey.toString('base64url') }, format: 'jwk' });
    assert.ok(verifySignature(null, Buffer.from(text, 'utf8'), publicKey, blob.subarray(4)), `the signature of checkpoint ${cp.size} verifies`);
    assert.ok(cp.eventTime >= key.notBefore && cp.eventTime < key.notAfter, 'the key was valid at the event time');
    trusted = true;
  }
  assert.ok(trusted, `checkpoint ${cp.size} is signed by a key of the keyring`);
  return cp;
}

// §1 and §8
function verifyExport(file: string, keyringText: string): { org: string; rows: number; signed: number } {
  assert.ok(file.endsWith('\n'), 'every line ends in LF');
  const lines = file.slice(0, -1).split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const header = lines[0] as Record<string, unknown>;
  assert.deepEqual(Object.keys(header).sort(), ['mcpg_ledger_export', 'org']);
  const version = header['mcpg_ledger_export'];
  assert.ok(version === 1 || version === 2, 'version 1, or 2 for a pruned export');
  const org = header['org'] as string;
  const end = lines[lines.length - 1] as { end?: { checkpoints: number; rows: number } };
  assert.ok(end.end, 'the last line is the end line');
  const notes = lines.filter((l) => 'checkpoint' in l).map((l) => l['checkpoint'] as string);
  const prunedLines = lines.filter((l) => 'pruned' in l);
  assert.equal(prunedLines.length, version === 2 ? 1 : 0, 'one pruned line in version 2, none in version 1');
  const rows = lines.slice(1, -1).filter((l) => !('checkpoint' in l) && !('pruned' in l));
  assert.deepEqual(end.end, { checkpoints: notes.length, rows: rows.length });
  const keys = parseKeyring(keyringText);
  const checkpoints = new Map(notes.map((n) => openCheckpoint(n, org, keys)).map((cp) => [cp.size, cp]));
  let h = genesis(org);
  // §10: the tree as a stack of (size, hash) perfect subtrees; the root folds it from the right.
  let stack: { size: number; hash: Buffer }[] = [];
  const root = () => stack.slice(0, -1).reduceRight((r, t) => sha256(Buffer.from([1]), t.hash, r), (stack[stack.length - 1] as { hash: Buffer }).hash);
  let size = 0;
  if (version === 2) {
    const pruned = (prunedLines[0] as { pruned: { tree_size: string; frontier: string[] } }).pruned;
    size = Number(pruned.tree_size);
    const bits = [...size.toString(2)].map((b, i, all) => (b === '1' ? 2 ** (all.length - 1 - i) : 0)).filter((x) => x > 0);
    assert.equal(pruned.frontier.length, bits.length, 'one frontier hash per bit set in the pruned size');
    stack = bits.map((b, i) => ({ size: b, hash: Buffer.from(pruned.frontier[i] as string, 'hex') }));
    const cp = checkpoints.get(size);
    assert.ok(cp, 'a signed checkpoint at the pruned size');
    assert.ok(root().equals(cp.root), 'the frontier reproduces the signed root at the pruned size');
    h = cp.chainHead;
  }
  for (const row of rows) {
    assert.deepEqual(Object.keys(row).sort(), [...ROW_FIELDS, 'leaf_hash', 'prev_hash'].sort());
    assert.equal(row['org'], org);
    assert.equal(row['seq'], String(size));
    const l = leaf(row);
    assert.equal(l.toString('hex'), row['leaf_hash'], `leaf of seq ${row['seq']}`);
    assert.equal(h.toString('hex'), row['prev_hash'], `link of seq ${row['seq']}`);
    h = chain(h, l);
    stack.push({ size: 1, hash: l });
    while (stack.length > 1 && stack[stack.length - 1]!.size === stack[stack.length - 2]!.size) {
      const upper = stack.pop()!;
      const lower = stack.pop()!;
      stack.push({ size: 2 * upper.size, hash: sha256(Buffer.from([1]), lower.hash, upper.hash) });
    }
    size++;
    const cp = checkpoints.get(size);
    if (cp) {
      assert.ok(root().equals(cp.root), `root at size ${cp.size}`);
      assert.ok(h.equals(cp.chainHead), `chain head at size ${cp.size}`);
      assert.equal(row['occurred_at'], cp.eventTime);
    }
  }
  const signed = Math.max(0, ...checkpoints.keys());
  assert.ok(size >= signed, 'the rows reach the largest checkpoint');
  return { org, rows: rows.length, signed };
}

test("the document's worked example verifies with a verifier written from the document alone", () => {
  assert.deepEqual(verifyExport(example('export'), example('keyring')), { org: 'example', rows: 3, signed: 3 });
});

test("the document's pruned example verifies with the same verifier, and the library reads and verifies it too", () => {
  assert.deepEqual(verifyExport(example('pruned'), example('keyring')), { org: 'example', rows: 1, signed: 3 });
  const parsed = parseLedgerExport(example('pruned'));
  const r = verifyLedger({ org: 'example', rows: parsed.rows, checkpoints: parsed.checkpoints, keyring: Keyring.parse(example('keyring')), ...(parsed.pruned ? { pruned: parsed.pruned } : {}) });
  assert.ok(r.ok && r.prunedSize === 2 && r.signedSize === 3);
});

test('the verifier refuses the pruned example with an edited frontier hash or a deleted retained row', () => {
  const file = example('pruned');
  const keyring = example('keyring');
  assert.throws(() => verifyExport(file.replace('1466a3d3', '1466a3d4'), keyring), /frontier reproduces the signed root/);
  const noRow = file.split('\n').filter((l) => !l.includes('"seq":"2"')).join('\n').replace('"rows":1', '"rows":0');
  assert.throws(() => verifyExport(noRow, keyring), /reach the largest checkpoint/);
});

test('the step-by-step values in the document are the ones the example hashes to', () => {
  const rows = example('export').trim().split('\n').map((l) => JSON.parse(l) as Row).filter((l) => 'seq' in l);
  assert.ok(doc.includes(genesis('example').toString('hex')));
  assert.ok(doc.includes(canonical(rows[1] as Row).toString('hex')));
  assert.ok(doc.includes(mth(rows.slice(0, 2).map(leaf)).toString('hex')));
  assert.ok(doc.includes(mth(rows.map(leaf)).toString('hex')));
});

test('the same verifier refuses the example tampered with: an edited row, a forged signature, a cut file, another key', () => {
  const file = example('export');
  const keyring = example('keyring');
  assert.throws(() => verifyExport(file.replace('"actor":"agent-ci"', '"actor":"mallory"'), keyring), /leaf of seq 1/);
  assert.throws(() => verifyExport(file.replace('"occurred_at":1768469403000', '"occurred_at":1768469403001'), keyring), /leaf of seq 2/);
  const lines = file.split('\n');
  assert.throws(() => verifyExport(`${lines.slice(0, -2).join('\n')}\n`, keyring), /end line/);
  assert.throws(() => verifyExport(file.replace(/OqIeV9sl/, 'OqIeV9sm'), keyring), /signature of checkpoint 2 verifies/);
  const otherKey = keyring.replace('example.invalid/ledger+', 'example.invalid/other+');
  assert.throws(() => verifyExport(file, otherKey), /key id is the hash/);
});

test("the checkpoint printed in libs/ledger/README.md verifies with the document's keyring", () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const m = /```\n(mcpg\.dev\/ledger\/example\n[\s\S]*?\n)```/.exec(readme);
  assert.ok(m, 'the README prints a checkpoint of org example');
  assert.equal(openCheckpoint(m[1] as string, 'example', parseKeyring(example('keyring'))).size, 3);
});
