import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMasker } from '../masker.ts';

const m = createMasker();
const body = 'MIIEowIBAAKCAQEAx1x2y3\nz4w5v6u7t8s9r0q1p2o3n4m5\nl6k7j8i9h0g1f2e3d4c5b6==';

test('PEM private key blocks go whole, in every flavour; public blocks stay', () => {
  for (const label of ['RSA PRIVATE KEY', 'EC PRIVATE KEY', 'PRIVATE KEY', 'OPENSSH PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'PGP PRIVATE KEY BLOCK']) {
    const pem = `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----`;
    assert.equal(m.maskText(`key:\n${pem}\nnext`), 'key:\n[REDACTED:private_key]\nnext', label);
  }
  const pub = `-----BEGIN PUBLIC KEY-----\n${body}\n-----END PUBLIC KEY-----`;
  assert.equal(m.maskText(pub), pub);
});

test('a PEM block with escaped newlines (inside JSON text) or cut short is still masked', () => {
  const escaped = JSON.stringify({ content: `-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----` });
  assert.equal(m.maskText(escaped), '{"content":"[REDACTED:private_key]"}');
  assert.equal(m.maskText(`-----BEGIN PRIVATE KEY-----\n${body}`), '[REDACTED:private_key]');
});

test('JWTs: three base64url segments, the first starting eyJ', () => {
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
  assert.equal(m.maskText(`id_token ${jwt}.`), 'id_token [REDACTED:jwt].');
  assert.equal(m.maskText('eyJmb28iOiJiYXIifQ'), 'eyJmb28iOiJiYXIifQ'); // one base64 JSON segment is no token
});

test('passwords in URL userinfo go, user and host stay', () => {
  const cases: Array<[string, string]> = [
    ['postgres://app:pa55word@db:5432/x', 'postgres://app:[REDACTED:connection_password]@db:5432/x'],
    ['mongodb+srv://u:p4ss@cluster0.x.mongodb.net/db', 'mongodb+srv://u:[REDACTED:connection_password]@cluster0.x.mongodb.net/db'],
    ['redis://:s3cret@cache:6379', 'redis://:[REDACTED:connection_password]@cache:6379'],
    ['amqps://q:pw@rabbit/vh', 'amqps://q:[REDACTED:connection_password]@rabbit/vh'],
    ['https://u:p@ss@host/path', 'https://u:[REDACTED:connection_password]@host/path'], // unencoded @ in the password
  ];
  for (const [input, output] of cases) assert.equal(m.maskText(input), output, input);
  for (const s of ['https://deploy@git.example.com/a.git', 'http://localhost:8080/mcp', 'mailto:a@b.c', 'https://h/p?next=a:b@c']) {
    assert.equal(m.maskText(s), s, s);
  }
});

test('Slack webhooks keep their host and lose their path', () => {
  assert.equal(
    m.maskText('POST https://hooks.slack.com/services/T0ABCDEFG/B0HIJKLMNOP/aB3dE5fG7hI9jK1lM3nO5pQ7'),
    'POST https://hooks.slack.com/services/[REDACTED:slack_webhook]',
  );
});

test('Bearer and Basic credentials outside a header; prose stays', () => {
  assert.equal(m.maskText('sent Bearer 4f9dA7c2e1b8X0q3 upstream'), 'sent Bearer [REDACTED:bearer_token] upstream');
  assert.equal(m.maskText('Basic dXNlcjpwYXNzd29yZA== was sent'), 'Basic [REDACTED:basic_auth] was sent');
  for (const s of ['Bearer authentication is required', 'Basic authentication is disabled', 'token_type: Bearer duration_ms=41', 'Basic usage: run it']) {
    assert.equal(m.maskText(s), s, s);
  }
});
