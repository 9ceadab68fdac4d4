import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coversOrg, hashSecret, hasRole, parseApiKeys, parseApiKeySpecs } from './api-key.ts';
import { ApiAuthError } from './auth-errors.ts';
import { createKeyring } from './keyring.ts';

const sha = hashSecret('s3cret');

test('keys parse from a JSON document and from the compact form', () => {
  const [a] = parseApiKeys(JSON.stringify({ keys: [{ id: 'ci', sha256: sha, orgs: ['acme'], roles: ['audit', 'export'] }] }), 'keys.json');
  assert.deepEqual(a, { id: 'ci', sha256: sha, orgs: ['acme'], roles: ['audit', 'export'] });
  const [b, c] = parseApiKeySpecs(`prom:${sha}:*:metrics, ops:${hashSecret('x')}:acme|globex:admin`, 'MCPG_API_KEYS');
  assert.equal(coversOrg(b!, 'anything'), true);
  assert.equal(hasRole(b!, 'audit'), false);
  assert.equal(hasRole(c!, 'export'), true, 'admin holds every role');
  assert.equal(coversOrg(c!, 'initech'), false);
});

test('a bad entry names its source and never echoes a secret', () => {
  const bad = (text: string) => assert.throws(() => parseApiKeys(text, 'keys.json'), (e: unknown) => e instanceof ApiAuthError && e.code === 'INVALID_API_KEY_CONFIG' && e.message.startsWith('keys.json'));
  bad('{');
  bad('{"keys": {}}');
  bad(JSON.stringify({ keys: [{ id: 'x', sha256: 'plaintext-secret', orgs: ['acme'], roles: ['audit'] }] }));
  bad(JSON.stringify({ keys: [{ id: 'x', sha256: sha, orgs: [], roles: ['audit'] }] }));
  bad(JSON.stringify({ keys: [{ id: 'x', sha256: sha, orgs: ['acme'], roles: ['root'] }] }));
  bad(JSON.stringify({ keys: [{ id: 'x', sha256: sha, orgs: ['acme'], roles: ['audit'] }, { id: 'x', sha256: sha, orgs: ['acme'], roles: ['audit'] }] }));
  assert.throws(() => parseApiKeys(JSON.stringify({ keys: [{ id: 'x', sha256: 'plaintext-secret', orgs: ['a'], roles: ['audit'] }] }), 'f'), (e: Error) => !e.message.includes('plaintext-secret'));
});

test('the keyring finds a key by its secret only', () => {
  const ring = createKeyring(parseApiKeySpecs(`a:${sha}:acme:audit b:${hashSecret('other')}:acme:audit`, 'env'));
  assert.equal(ring.authenticate('s3cret')?.id, 'a');
  assert.equal(ring.authenticate('other')?.id, 'b');
  assert.equal(ring.authenticate(sha), undefined, 'the hash is not a credential');
  assert.equal(ring.authenticate('s3cret '), undefined);
});
