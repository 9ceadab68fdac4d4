import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMasker, DEPTH_MARKER } from './masker.ts';
import { MaskingError } from './errors.ts';
import { tallyTotal, type MaskTally } from './secret-kinds.ts';
import { truncationMarker } from './truncate.ts';

const GHP = `ghp_${'aB3x'.repeat(9)}`;

test('maskJson masks deeply, by key and by value, and never mutates its input', () => {
  const m = createMasker();
  const input = {
    tool: 'db__query',
    arguments: { password: 'pw', limit: 10, nested: [{ apiKey: 12345 }, `see ${GHP}`], token_count: 3, key_id: 'k1' },
    flags: { secret: false, session: null },
  };
  const before = structuredClone(input);
  assert.deepEqual(m.maskJson(input), {
    tool: 'db__query',
    arguments: {
      password: '[REDACTED:password]',
      limit: 10,
      nested: [{ apiKey: '[REDACTED:api_key]' }, 'see [REDACTED:github_token]'],
      token_count: 3,
      key_id: 'k1',
    },
    flags: { secret: false, session: null },
  });
  assert.deepEqual(input, before);
});

test('unchanged subtrees come back as the same objects', () => {
  const m = createMasker();
  const clean = { a: { b: [1, 'two', { c: 'three' }] }, d: 'four' };
  assert.equal(m.maskJson(clean), clean);
  const mixed = { keep: { x: 1 }, drop: { password: 'pw' } };
  const out = m.maskJson(mixed) as typeof mixed;
  assert.equal(out.keep, mixed.keep);
  assert.notEqual(out.drop, mixed.drop);
});

test('everything under a secret key is masked, whatever a child key says', () => {
  const m = createMasker();
  assert.deepEqual(m.maskJson({ credentials: { username: 'bob', key: 'abc', list: ['x', 7] } }), {
    credentials: { username: '[REDACTED:credential]', key: '[REDACTED:credential]', list: ['[REDACTED:credential]', '[REDACTED:credential]'] },
  });
});

test('{name, value} pairs take their secret-ness from the name', () => {
  const m = createMasker();
  const env = [
    { name: 'DB_PASSWORD', value: 'pw' },
    { name: 'LOG_LEVEL', value: 'debug' },
    { Key: 'ApiKey', Value: 'abc' },
    { Key: 'Team', Value: 'payments' },
  ];
  assert.deepEqual(m.maskJson(env), [
    { name: 'DB_PASSWORD', value: '[REDACTED:password]' },
    { name: 'LOG_LEVEL', value: 'debug' },
    { Key: 'ApiKey', Value: '[REDACTED:api_key]' },
    { Key: 'Team', Value: 'payments' },
  ]);
});

test('object keys holding secrets are masked too; __proto__ stays an own key', () => {
  const m = createMasker();
  const parsed = JSON.parse(`{"__proto__": {"password": "pw"}, "${GHP}": true}`) as object;
  const out = m.maskJson(parsed) as Record<string, unknown>;
  assert.deepEqual(Object.keys(out), ['__proto__', '[REDACTED:github_token]']);
  assert.equal(Object.getPrototypeOf(out), Object.prototype);
  assert.deepEqual(out['__proto__'], { password: '[REDACTED:password]' });
});

test('toJSON is honoured and nesting is capped', () => {
  const m = createMasker({ maxDepth: 3 });
  assert.deepEqual(m.maskJson({ when: new Date(0) }), { when: '1970-01-01T00:00:00.000Z' });
  assert.deepEqual(m.maskJson({ a: { b: { c: { d: 1 } } } }), { a: { b: { c: DEPTH_MARKER } } });
  const cyclic: Record<string, unknown> = {};
  cyclic['self'] = cyclic;
  assert.doesNotThrow(() => m.maskJson(cyclic));
});

test('maskString: a key decides first, then the text rules', () => {
  const m = createMasker();
  assert.equal(m.maskString('hunter2', 'password'), '[REDACTED:password]');
  assert.equal(m.maskString('Bearer abc', 'Authorization'), 'Bearer [REDACTED:authorization]');
  assert.equal(m.maskString(GHP, 'X-Token'), '[REDACTED:github_token]');
  assert.equal(m.maskString('Xq7vB2mN9pL4sT8wR3yK6zH1', 'key'), '[REDACTED:high_entropy]');
  assert.equal(m.maskString('user:1', 'key'), 'user:1');
  assert.equal(m.maskString(`x ${GHP}`, 'description'), 'x [REDACTED:github_token]');
  assert.equal(m.maskString(`x ${GHP}`), 'x [REDACTED:github_token]');
  assert.equal(m.maskString('', 'password'), '');
});

test('masking is deterministic and idempotent (the ledger hashes the output)', () => {
  const m = createMasker();
  const text = `password=pw token: ${GHP} postgres://u:p@h/db Authorization: Bearer abc\n{"secret": "s"}`;
  const once = m.maskText(text);
  assert.equal(createMasker().maskText(text), once);
  assert.equal(m.maskText(once), once);
  const json = { password: 'pw', headers: { authorization: 'Bearer abc' }, url: 'redis://:p@h' };
  const jsonOnce = m.maskJson(json);
  assert.deepEqual(m.maskJson(jsonOnce), jsonOnce);
});

test('counts by kind: a per-call tally and cumulative stats', () => {
  const m = createMasker();
  const tally: MaskTally = {};
  m.maskText(`password=a password=b ${GHP}`, tally);
  m.maskJson({ token: 'x', nested: { cookie: 'c' } }, tally);
  assert.deepEqual(tally, { password: 2, github_token: 1, token: 1, cookie: 1 });
  assert.equal(tallyTotal(tally), 5);
  m.maskText('secret=s');
  const stats = m.stats();
  assert.equal(stats.password, 2);
  assert.equal(stats.secret, 1);
  assert.equal(stats.jwt, 0);
  // Already-masked values are not counted again.
  m.maskText('password=[REDACTED:password]');
  assert.equal(m.stats().password, 2);
});

test('long strings are cut before masking, with a marker', () => {
  const m = createMasker({ maxLength: 1000 });
  const s = `password=pw ${'x '.repeat(600)}`;
  const out = m.maskText(s);
  assert.ok(out.startsWith('password=[REDACTED:password] x x'));
  assert.ok(out.endsWith(truncationMarker(s.length)));
  assert.ok(out.length < 1100);
  assert.ok((m.maskJson({ note: s }) as { note: string }).note.endsWith(truncationMarker(s.length)));
});

test('bad options are refused with INVALID_OPTION', () => {
  const bad = [{ maxLength: 10 }, { maxLength: 1.5 }, { maxDepth: 0 }, { entropy: { minLength: 2 } }, { entropy: { maxNaturalness: 0 } }, { secretKeys: [''] }];
  for (const options of bad) {
    assert.throws(() => createMasker(options), (e: unknown) => e instanceof MaskingError && e.code === 'INVALID_OPTION' && !e.retriable);
  }
});

test('secretKeys and safeKeys options', () => {
  const m = createMasker({ secretKeys: ['x-internal-shh'], safeKeys: ['session'] });
  assert.deepEqual(m.maskJson({ 'X-Internal-Shh': 'v', session: 'abc' }), { 'X-Internal-Shh': '[REDACTED:secret]', session: 'abc' });
  assert.equal(m.maskText('x-internal-shh: v'), 'x-internal-shh: [REDACTED:secret]');
});
