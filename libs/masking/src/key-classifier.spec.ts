import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyKey, keyClassifier, keyWords, stemSource } from './key-classifier.ts';

test('keys split into lower-case words across conventions', () => {
  assert.deepEqual(keyWords('X-Api-Key'), ['x', 'api', 'key']);
  assert.deepEqual(keyWords('apiKey'), ['api', 'key']);
  assert.deepEqual(keyWords('APIKey'), ['api', 'key']);
  assert.deepEqual(keyWords('AWS_SECRET_ACCESS_KEY'), ['aws', 'secret', 'access', 'key']);
  assert.deepEqual(keyWords('spring.datasource.password'), ['spring', 'datasource', 'password']);
  assert.deepEqual(keyWords('db_password_2'), ['db', 'password']);
  assert.deepEqual(keyWords('password2'), ['password']);
});

test('secret-looking keys are secret, with a kind', () => {
  const cases: Record<string, string> = {
    password: 'password', Password: 'password', PASSWORD: 'password', passwd: 'password', pwd: 'password',
    db_password: 'password', dbPassword: 'password', newPassword: 'password', password_hash: 'password',
    password_confirmation: 'password', passphrase: 'password', 'spring.datasource.password': 'password',
    secret: 'secret', client_secret: 'secret', clientSecret: 'secret', clientsecret: 'secret', secrets: 'secret',
    token: 'token', access_token: 'token', accessToken: 'token', accesstoken: 'token', refresh_token: 'token',
    id_token: 'token', 'x-auth-token': 'token', csrf_token: 'token', jwt: 'token', password_reset_token: 'token',
    api_key: 'api_key', apiKey: 'api_key', 'api-key': 'api_key', 'X-Api-Key': 'api_key', apikey: 'api_key',
    APIKEY: 'api_key', access_key: 'api_key', signing_key: 'api_key', subscriptionKey: 'api_key',
    secret_key: 'secret', private_key: 'private_key', privateKey: 'private_key', ssh_key: 'private_key',
    AWS_SECRET_ACCESS_KEY: 'aws_secret_access_key', secretAccessKey: 'aws_secret_access_key',
    authorization: 'authorization', Authorization: 'authorization', 'proxy-authorization': 'authorization',
    auth: 'authorization', auth_code: 'authorization', authorization_header: 'authorization',
    cookie: 'cookie', Cookie: 'cookie', 'set-cookie': 'cookie', cookies: 'cookie',
    session: 'session', session_key: 'session',
    credentials: 'credential', creds: 'credential', credential: 'credential',
  };
  for (const [key, kind] of Object.entries(cases)) assert.equal(classifyKey(key), kind, key);
});

test('metadata names that contain secret words are not secret', () => {
  for (const key of [
    'key_id', 'keyId', 'api_key_id', 'aws_access_key_id', 'secret_key_id', 'kid',
    'token_count', 'tokens_in', 'tokens_out', 'max_tokens', 'tokens', 'token_type', 'tokenizer', 'token_usage',
    'password_policy', 'passwordPolicy', 'password_required', 'password_reset_url', 'password_hint', 'password_length',
    'secret_name', 'secretArn', 'secret_id', 'secrets_manager', 'secretsmanager',
    'session_id', 'sessionId', 'sessions', 'session_count', 'session_timeout',
    'auth_type', 'authorization_url', 'auth_method', 'cookie_name', 'credentials_file',
    'next_page_token', 'pageToken', 'nextPageToken', 'continuation_token',
    'public_key', 'publicKey', 'publishable_key', 'primary_key', 'partition_key', 'cache_key', 'idempotency_key',
    'monkey', 'keyboard', 'code', 'status_code', 'PWD', 'OLDPWD', 'name', 'value', '', '---',
  ]) {
    assert.equal(classifyKey(key), null, key);
  }
});

test('bare key and signature are weak: masked only when the value looks random', () => {
  for (const key of ['key', 'Key', 'signature', 'sig', 'X-Amz-Signature', 'encoded_key']) assert.equal(classifyKey(key), 'weak', key);
});

test('options add secret keys and clear safe ones, compared by words', () => {
  const classify = keyClassifier({ secretKeys: ['x-internal-shh'], safeKeys: ['token'] });
  assert.equal(classify('X_Internal_Shh'), 'secret');
  assert.equal(classify('token'), null);
  assert.equal(classify('access_token'), 'token');
  // Cached verdicts stay correct on repeat.
  assert.equal(classify('X_Internal_Shh'), 'secret');
});

test('the stem alternation finds every secret key and accepts extra ones', () => {
  const re = new RegExp(stemSource({ secretKeys: ['x-internal-shh'] }), 'i');
  for (const key of ['password', 'PWD', 'Api-Key', 'clientSecret', 'Authorization', 'Cookie', 'JWT', 'otp', 'auth_code', 'shh']) {
    assert.ok(re.test(key), key);
  }
});
