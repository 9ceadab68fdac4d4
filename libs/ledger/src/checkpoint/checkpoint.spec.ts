import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Keyring,
  LedgerFold,
  formatCheckpoint,
  openCheckpoint,
  parseCheckpoint,
  signCheckpoint,
  signerKeyFromSeed,
  genesisHash,
  LedgerError,
  EMPTY_ROOT,
  type Checkpoint,
} from '../index.ts';
import { sampleEvents, T0 } from '../sample-events.testing.ts';

const code = (c: string) => (e: unknown) => e instanceof LedgerError && e.code === c;
const key1 = signerKeyFromSeed('mcpg.dev/ledger', new Uint8Array(32).fill(1));
const key2 = signerKeyFromSeed('mcpg.dev/ledger', new Uint8Array(32).fill(2));
const ROTATION = T0 + 50_000; // key1 signs event times before, key2 from then on
const ring = new Keyring([
  { key: key1, window: { notBefore: null, notAfter: ROTATION } },
  { key: key2, window: { notBefore: ROTATION, notAfter: null } },
]);

function checkpointAfter(rows: number): Checkpoint {
  const fold = new LedgerFold('acme');
  for (const e of sampleEvents('acme', rows)) fold.append(e);
  return fold.checkpoint();
}

test('the body has the documented five lines and reads back exactly', () => {
  const cp = checkpointAfter(3);
  const text = formatCheckpoint(cp);
  const lines = text.split('\n');
  assert.equal(lines[0], 'mcpg.dev/ledger/acme');
  assert.equal(lines[1], '3');
  assert.match(lines[2] as string, /^[A-Za-z0-9+/]{43}=$/);
  assert.match(lines[3] as string, /^chain-head [A-Za-z0-9+/]{43}=$/);
  assert.equal(lines[4], `event-time-ms ${T0 + 2000}`);
  assert.equal(lines[5], '');
  assert.deepEqual(parseCheckpoint(text), { ...cp, root: new Uint8Array(cp.root), chainHead: new Uint8Array(cp.chainHead) });
});

test('the empty ledger has the empty root, the genesis chain head and time 0', () => {
  const cp = new LedgerFold('acme').checkpoint();
  assert.deepEqual([cp.size, cp.eventTime], [0, 0]);
  assert.deepEqual(cp.root, EMPTY_ROOT);
  assert.deepEqual(cp.chainHead, genesisHash('acme'));
});

test('the body is parsed strictly', () => {
  const text = formatCheckpoint(checkpointAfter(3));
  const bad: [string, string][] = [
    ['leading zero size', text.replace('\n3\n', '\n03\n')],
    ['signed size', text.replace('\n3\n', '\n+3\n')],
    ['missing extension', text.split('\n').slice(0, 4).join('\n') + '\n'],
    ['extra line', `${text}more\n`],
    ['no final newline', text.slice(0, -1)],
    ['space in origin', text.replace('ledger/acme', 'ledger/ac me')],
    ['short root', text.replace(/\n[A-Za-z0-9+/]{43}=\n/, '\nAAAA\n')],
    ['renamed extension', text.replace('chain-head ', 'chain_head ')],
    ['two spaces', text.replace('event-time-ms ', 'event-time-ms  ')],
    ['fractional time', text.replace(/event-time-ms (\d+)/, 'event-time-ms $1.5')],
  ];
  for (const [name, body] of bad) assert.throws(() => parseCheckpoint(body), code('MALFORMED_NOTE'), name);
});

test('rotation: old checkpoints verify with the old key, new ones with the new key', () => {
  const early = checkpointAfter(10); // event time T0 + 9 s
  const late = checkpointAfter(60); // event time T0 + 59 s
  const opened1 = openCheckpoint(signCheckpoint(early, key1), ring, 'mcpg.dev/ledger/acme');
  assert.equal(opened1.signedBy[0]?.key.keyId, key1.keyId);
  assert.equal(opened1.checkpoint.size, 10);
  const opened2 = openCheckpoint(signCheckpoint(late, key2), ring, 'mcpg.dev/ledger/acme');
  assert.equal(opened2.signedBy[0]?.key.keyId, key2.keyId);
});

test('a retired key signing for a later time is EXPIRED_KEY; a key not yet valid too', () => {
  const late = checkpointAfter(60);
  assert.throws(() => openCheckpoint(signCheckpoint(late, key1), ring), (e: unknown) => code('EXPIRED_KEY')(e) && (e as LedgerError).treeSize === 60);
  assert.throws(() => openCheckpoint(signCheckpoint(checkpointAfter(10), key2), ring), code('EXPIRED_KEY'));
});

test('unknown key, bad signature, foreign origin each have their own code', () => {
  const cp = checkpointAfter(10);
  const stranger = signerKeyFromSeed('mcpg.dev/ledger', new Uint8Array(32).fill(3));
  assert.throws(() => openCheckpoint(signCheckpoint(cp, stranger), ring), code('UNKNOWN_KEY'));
  const note = signCheckpoint(cp, key1);
  const tampered = note.replace('\n10\n', '\n11\n');
  assert.throws(() => openCheckpoint(tampered, ring), code('BAD_SIGNATURE'));
  assert.throws(() => openCheckpoint(note, ring, 'mcpg.dev/ledger/globex'), code('FOREIGN_CHECKPOINT'));
});

test('signing is deterministic: the same rows give the same signed note', () => {
  assert.equal(signCheckpoint(checkpointAfter(25), key1), signCheckpoint(checkpointAfter(25), key1));
});
