import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMasker } from '../masker.ts';

const m = createMasker();

test('key=value, key: value and "key": "value" in every quoting', () => {
  const cases: Array<[string, string]> = [
    ['password=hunter2&user=bob', 'password=[REDACTED:password]&user=bob'],
    ['passwd: hunter2', 'passwd: [REDACTED:password]'],
    ['{"password": "hun ter2", "user": "bob"}', '{"password": "[REDACTED:password]", "user": "bob"}'],
    ["{'secret': 'x y z'}", "{'secret': '[REDACTED:secret]'}"],
    ['{\\"token\\":\\"abc\\\\\\"def\\",\\"n\\":1}', '{\\"token\\":\\"[REDACTED:token]\\",\\"n\\":1}'],
    ['API_KEY="k-123"', 'API_KEY="[REDACTED:api_key]"'],
    ['$password = \'pw\';', "$password = '[REDACTED:password]';"],
    [':password => "pw"', ':password => "[REDACTED:password]"'],
    ['if password == "pw":', 'if password == "[REDACTED:password]":'],
    ['spring.datasource.password=pw', 'spring.datasource.password=[REDACTED:password]'],
    ['{user=bob, password=pw}', '{user=bob, password=[REDACTED:password]}'],
    ['jdbc:sqlserver://h;user=u;password=pw;encrypt=true', 'jdbc:sqlserver://h;user=u;password=[REDACTED:password];encrypt=true'],
    ['?client_secret=abc&x=1', '?client_secret=[REDACTED:secret]&x=1'],
  ];
  for (const [input, output] of cases) assert.equal(m.maskText(input), output, input);
});

test('JSON text stays JSON: numbers get a quoted placeholder, literals stay', () => {
  assert.equal(m.maskText('{"pin_code": 1, "otp": 123456, "password": null, "token": true}'), '{"pin_code": 1, "otp": "[REDACTED:password]", "password": null, "token": true}');
  assert.equal(m.maskText('{\\"otp\\":123456}'), '{\\"otp\\":\\"[REDACTED:password]\\"}');
  const out = m.maskText(JSON.stringify({ secret: 42, nested: { password: 7 } }));
  assert.deepEqual(JSON.parse(out), { secret: '[REDACTED:secret]', nested: { password: '[REDACTED:password]' } });
});

test('a value in a known format is named by its format, not by its key', () => {
  assert.equal(m.maskText(`token=ghp_${'aB3x'.repeat(9)}`), 'token=[REDACTED:github_token]');
});

test('header-like values run to the end of the line and keep the auth scheme', () => {
  assert.equal(m.maskText('Authorization: Bearer abc.def\nnext'), 'Authorization: Bearer [REDACTED:authorization]\nnext');
  assert.equal(m.maskText('Authorization: Digest username="u", response="r"'), 'Authorization: Digest [REDACTED:authorization]');
  assert.equal(m.maskText('Cookie: theme=dark; sid=abc\nHost: x'), 'Cookie: [REDACTED:cookie]\nHost: x');
  // A header dumped inside a JSON string ends with the string.
  assert.equal(m.maskText('{"h": "Cookie: sid=abc", "n": 1}'), '{"h": "Cookie: [REDACTED:cookie]", "n": 1}');
});

test('flags and XML elements', () => {
  assert.equal(m.maskText('mysql --password hunter2 --host db'), 'mysql --password [REDACTED:password] --host db');
  assert.equal(m.maskText('run --token -x9Y8 --verbose'), 'run --token [REDACTED:token] --verbose');
  assert.equal(m.maskText('--token-count 5 --page-token abc'), '--token-count 5 --page-token abc');
  assert.equal(m.maskText('<id>nexus</id><password>pw</password>'), '<id>nexus</id><password>[REDACTED:password]</password>');
});

test('weak keys mask random-looking values only', () => {
  assert.equal(m.maskText('key=Xq7vB2mN9pL4sT8wR3yK6zH1'), 'key=[REDACTED:high_entropy]');
  assert.equal(m.maskText('key=user:1234:profile'), 'key=user:1234:profile');
  assert.equal(m.maskText('key=6f1c2e0a-9b3d-4c1e-a2f4-7d8e9f0a1b2c'), 'key=6f1c2e0a-9b3d-4c1e-a2f4-7d8e9f0a1b2c');
});

test('metadata keys, empty values, colon paths and prose stay', () => {
  for (const s of [
    'token_count=1234 tokens_in: 812 "max_tokens": 4096',
    'password_policy=min12 key_id: kid_Xq7vB2mN9pL4sT8wR3yK6zH1',
    'password=',
    '"password": ""',
    'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf',
    'Please reset your password here: https://id.example.com/reset',
    'next_page_token=Xq7vB2mN9pL4sT8wR3yK6zH1',
  ]) {
    assert.equal(m.maskText(s), s, s);
  }
});
