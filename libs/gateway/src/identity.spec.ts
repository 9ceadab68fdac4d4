import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileApiKeys, hashApiKey, keyFromHeaders } from './identity.ts';

test('a presented key maps to its org, workspace and actor; unknown or missing keys to nothing', () => {
  const auth = compileApiKeys([{ id: 'ci', sha256: hashApiKey('s3cret-key'), org: 'acme', workspace: 'build', actor: 'bot:ci' }]);
  assert.deepEqual(auth('s3cret-key'), { keyId: 'ci', org: 'acme', workspace: 'build', actor: 'bot:ci' });
  assert.equal(auth('s3cret-kez'), null);
  assert.equal(auth(undefined), null);
});

test('keys come from Authorization: Bearer or X-Api-Key', () => {
  assert.equal(keyFromHeaders({ authorization: 'Bearer abc.def' }), 'abc.def');
  assert.equal(keyFromHeaders({ authorization: 'bearer  xyz ' }), 'xyz');
  assert.equal(keyFromHeaders({ 'x-api-key': 'k1' }), 'k1');
  assert.equal(keyFromHeaders({ authorization: 'Basic dXNlcjpwYXNz' }), undefined);
  assert.equal(keyFromHeaders({}), undefined);
});
