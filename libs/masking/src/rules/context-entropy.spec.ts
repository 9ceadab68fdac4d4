import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMasker } from '../masker.ts';

const m = createMasker();
const token = 'Xq7vB2mN9pL4sT8wR3yK6zH1';
const aws = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

test('a random token right after secret words in prose is masked with their kind', () => {
  assert.equal(m.maskText(`your new api key is ${token}.`), 'your new api key is [REDACTED:api_key].');
  assert.equal(m.maskText(`use the token ${token} next`), 'use the token [REDACTED:token] next');
  assert.equal(m.maskText(`signature ${token}`), 'signature [REDACTED:high_entropy]');
});

test('the same token after ordinary or hash words stays', () => {
  for (const s of [`request ${token} done`, `sha256 ${token}`, `public key ${token}`, `key_id ${token}`, `next page token ${token}`]) {
    assert.equal(m.maskText(s), s, s);
  }
});

test('the name must be on the same line, just before', () => {
  const s = `password\n${token}`;
  assert.equal(m.maskText(s), s);
});

test('an AWS secret key is found by "aws", "secret" or a key id shortly before it', () => {
  assert.equal(m.maskText(`aws creds ${aws}`), 'aws creds [REDACTED:aws_secret_access_key]');
  assert.equal(
    m.maskText(`Access key ID,Secret access key\nAKIAIOSFODNN7EXAMPLE,${aws}`),
    'Access key ID,Secret access key\n[REDACTED:aws_access_key_id],[REDACTED:aws_secret_access_key]',
  );
  assert.equal(m.maskText(`commit ${aws}`), `commit ${aws}`);
});

test('escaped newlines in JSON text keep their letter', () => {
  assert.equal(m.maskText(`{"m":"api key\\n${token}"}`), '{"m":"api key\\n[REDACTED:api_key]"}');
  assert.equal(m.maskText(`{"m":"api key:\\t${token}"}`), '{"m":"api key:\\t[REDACTED:api_key]"}');
});
