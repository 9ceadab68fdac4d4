import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  checkLedgerEvent,
  decodeCanonicalRow,
  encodeCanonicalRow,
  leafHash,
  ledgerRowFromEvent,
  ledgerRowFromJson,
  ledgerRowToJson,
  rowLeafHash,
  toHex,
  LedgerError,
  type LedgerRow,
} from './index.ts';

interface GoldenVector {
  readonly name: string;
  readonly row: unknown;
  readonly canonical_hex: string;
  readonly leaf_hash: string;
}
const golden = JSON.parse(readFileSync(new URL('./golden/canonical-rows.json', import.meta.url), 'utf8')) as {
  version: number;
  vectors: GoldenVector[];
};
const invalidRow = (e: unknown): boolean => e instanceof LedgerError && e.code === 'INVALID_ROW';
const base = ledgerRowFromJson(golden.vectors[0]?.row);

test('golden vectors: each row encodes to the committed bytes and leaf hash, and decodes back', () => {
  assert.equal(golden.version, 1);
  assert.ok(golden.vectors.length >= 10);
  for (const v of golden.vectors) {
    const row = ledgerRowFromJson(v.row);
    const bytes = encodeCanonicalRow(row);
    assert.equal(toHex(bytes), v.canonical_hex, v.name);
    assert.equal(toHex(rowLeafHash(row)), v.leaf_hash, v.name);
    assert.equal(toHex(leafHash(bytes)), v.leaf_hash, v.name);
    assert.deepEqual(ledgerRowToJson(decodeCanonicalRow(bytes)), v.row, v.name);
  }
});

test('the minimal vector matches the documented layout byte by byte', () => {
  const str = (s: string): string => Buffer.from([Buffer.byteLength(s)]).toString('hex') + Buffer.from(s).toString('hex');
  const expected =
    '01' + // version
    '0000000000000000' + // seq, u64 big-endian
    str('acme') + str('01J9Z3Q4V8K2M5N7P0R3S6T9W1') + str('default') + str('gw-1') +
    '0000019b76daa800' + // occurred_at 1767225600000, i64 big-endian
    str('tool.call') + str('alice@acme.example') + str('') + str('none') + str('ok') +
    '00' + '00' + '00' + '00' + '00'; // latency_us, arguments, response, error, trace_id: null
  assert.equal(toHex(encodeCanonicalRow(base)), expected);
});

test('null and the empty string, NFC and NFD, hash differently', () => {
  const hashOf = (row: LedgerRow): string => toHex(rowLeafHash(row));
  assert.notEqual(hashOf({ ...base, arguments: null }), hashOf({ ...base, arguments: '' }));
  assert.notEqual(hashOf({ ...base, latency_us: null }), hashOf({ ...base, latency_us: 0 }));
  assert.notEqual(hashOf({ ...base, actor: 'jos\u00e9' }), hashOf({ ...base, actor: 'jose\u0301' }));
  // Field boundaries are explicit: moving a character between fields changes the bytes.
  assert.notEqual(hashOf({ ...base, workspace: 'ab', instance: 'c' }), hashOf({ ...base, workspace: 'a', instance: 'bc' }));
});

test('the row built from an audit event hashes every event field plus seq, nothing else', () => {
  const event = { ...base, seq: undefined } as unknown as Parameters<typeof ledgerRowFromEvent>[0];
  const row = ledgerRowFromEvent(event, 0n);
  assert.deepEqual(row, base);
});

test('rows that cannot be encoded exactly are refused with INVALID_ROW', () => {
  const bad: [string, Partial<Record<keyof LedgerRow, unknown>>][] = [
    ['lone high surrogate', { actor: 'a\uD800b' }],
    ['lone low surrogate', { arguments: '\uDC00' }],
    ['fractional time', { occurred_at: 1.5 }],
    ['time beyond 2^53', { occurred_at: 2 ** 53 }],
    ['latency as a string', { latency_us: '5' }],
    ['seq as a number', { seq: 1 }],
    ['negative seq', { seq: -1n }],
    ['seq of 2^64', { seq: 1n << 64n }],
    ['missing field', { resource: undefined }],
    ['undefined instead of null', { trace_id: undefined }],
    ['number instead of string', { org: 7 }],
  ];
  for (const [name, patch] of bad) {
    const row = { ...base, ...patch } as unknown as LedgerRow;
    assert.throws(() => encodeCanonicalRow(row), invalidRow, name);
    assert.throws(() => rowLeafHash(row), invalidRow, name);
  }
});

test('the event check refuses exactly the events the encoder refuses, at any seq', () => {
  // The ledger-worker dead-letters what this refuses; anything it let through
  // that the encoder refuses would fail the whole flush in the fold instead.
  const cases: [string, Partial<Record<keyof LedgerRow, unknown>>][] = [
    ['lone high surrogate', { actor: 'a\uD800b' }],
    ['lone high surrogate at the end', { org: 'acme\uD83D' }],
    ['lone low surrogate', { arguments: '\uDC00' }],
    ['lone low surrogate after a pair', { response: '\uD83D\uDE00\uDE00' }],
    ['fractional time', { occurred_at: 1.5 }],
    ['time beyond 2^53', { occurred_at: 2 ** 53 }],
    ['time as a string', { occurred_at: '5' }],
    ['fractional latency', { latency_us: 0.5 }],
    ['latency as a string', { latency_us: '5' }],
    ['missing field', { resource: undefined }],
    ['undefined instead of null', { trace_id: undefined }],
    ['number instead of string', { org: 7 }],
    ['null for a required string', { outcome: null }],
    ['well-formed pair', { arguments: '{"q":"\uD83D\uDE00"}', actor: 'é' }],
    ['nulls where allowed', { latency_us: null, arguments: null, response: null, error: null, trace_id: null }],
    ['empty strings', { workspace: '', error: '' }],
    ['negative time', { occurred_at: -5 }],
  ];
  for (const [name, patch] of cases) {
    const row = { ...base, ...patch } as unknown as LedgerRow;
    const { seq: _seq, ...event } = row;
    let encoderRefuses = false;
    try {
      encodeCanonicalRow(row);
    } catch (e) {
      assert.ok(invalidRow(e), name);
      encoderRefuses = true;
    }
    if (encoderRefuses) assert.throws(() => checkLedgerEvent(event), invalidRow, name);
    else assert.doesNotThrow(() => checkLedgerEvent(event), name);
  }
  for (const v of golden.vectors) {
    const { seq: _seq, ...event } = ledgerRowFromJson(v.row);
    assert.doesNotThrow(() => checkLedgerEvent(event), v.name);
  }
});

test('the decoder accepts only what the encoder writes', () => {
  const good = Buffer.from(encodeCanonicalRow({ ...base, arguments: 'é' }));
  const mutate = (f: (b: Buffer) => Buffer): Buffer => f(Buffer.from(good));
  const at = good.indexOf(Buffer.from('c3a9', 'hex'));
  const cases: [string, Buffer][] = [
    ['unknown version', mutate((b) => ((b[0] = 2), b))],
    ['trailing byte', Buffer.concat([good, Buffer.of(0)])],
    ['truncated', good.subarray(0, good.length - 1)],
    ['empty', Buffer.alloc(0)],
    ['presence byte 2', mutate((b) => ((b[at - 2] = 2), b))],
    ['invalid UTF-8', mutate((b) => ((b[at + 1] = 0x28), b))],
    ['overlong uvarint', Buffer.concat([good.subarray(0, 9), Buffer.of(0x84, 0x00), good.subarray(10)])],
  ];
  for (const [name, bytes] of cases) assert.throws(() => decodeCanonicalRow(bytes), invalidRow, name);
});

test('the JSON form is read strictly', () => {
  const json = ledgerRowToJson(base) as unknown as Record<string, unknown>;
  assert.deepEqual(ledgerRowFromJson(json), base);
  const bad: [string, unknown][] = [
    ['extra key (a source offset)', { ...json, offset: 5 }],
    ['missing key', { ...json, trace_id: undefined }],
    ['seq as a number', { ...json, seq: 0 }],
    ['seq with a leading zero', { ...json, seq: '01' }],
    ['seq negative', { ...json, seq: '-1' }],
    ['not an object', [json]],
    ['null', null],
  ];
  for (const [name, value] of bad) {
    const v = value as Record<string, unknown> | null;
    if (v && 'trace_id' in v && v['trace_id'] === undefined) delete v['trace_id'];
    assert.throws(() => ledgerRowFromJson(value), invalidRow, name);
  }
});
