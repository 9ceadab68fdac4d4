// Values that resemble secrets but are not, and must pass through unchanged:
// ids, digests, hashes in hash context, key-id and metadata names, ARNs,
// bucket names, prose about passwords, plain URLs, versions, timestamps,
// trace context and numbers. Each masked one would cost an operator the very
// detail they debug with (and hide nothing).
import { createHash } from 'node:crypto';
import { ALPHABETS as A, prng } from './prng.ts';

export interface LookAlike {
  readonly id: string;
  /** How it appears in text. */
  readonly text: string;
  /** The JSON key it naturally sits under, and its value there. */
  readonly key: string;
  readonly value: string | number;
}

function uuid(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function lookAlikes(seed = 0x100c_a11e): LookAlike[] {
  const r = prng(seed);
  const hex = (n: number) => r.chars(A.hex, n);
  const sha256 = (s: string) => createHash('sha256').update(s).digest();
  const out: LookAlike[] = [];
  const add = (id: string, key: string, value: string | number, text = `${key}: ${value}`) => out.push({ id, text, key, value });

  // Identifiers and digests: hex and UUIDs never count as random.
  for (let i = 0; i < 3; i++) add(`uuid-${i}`, 'request_id', uuid(hex(32)));
  add('uuid-idempotency-key', 'idempotency_key', uuid(hex(32)));
  add('uuid-bare-key', 'key', uuid(hex(32)), `key=${uuid(hex(32))}`);
  add('sha1', 'sha1', createHash('sha1').update('a').digest('hex'));
  add('sha256-hex', 'sha256', sha256('b').toString('hex'));
  add('sha256-under-key', 'cache_key', sha256('c').toString('hex'));
  add('git-commit', 'commit', hex(40), `Merge commit ${hex(40)} into main`);
  add('git-short-sha', 'revision', hex(7), `deployed revision ${hex(7)} to prod`);
  add('md5-etag', 'etag', `"${hex(32)}"`);
  // Base64 digests in an obvious hash context.
  add('sri-integrity', 'integrity', `sha512-${sha256('d').toString('base64')}${sha256('e').toString('base64')}`);
  add('content-hash-b64', 'content_hash', sha256('f').toString('base64'));
  add('image-digest', 'image', `ghcr.io/acme/gateway@sha256:${sha256('g').toString('hex')}`);
  add('ssh-fingerprint', 'fingerprint', `SHA256:${sha256('h').toString('base64').replace(/=+$/, '')}`);
  add('checksum-b64url', 'checksum', sha256('i').toString('base64url'));
  add('docker-layer', 'layer', `sha256:${sha256('j').toString('hex')}`, `pulling layer sha256:${sha256('j').toString('hex')}`);
  // Names and metadata that contain secret words.
  add('key-id', 'key_id', `kid_${r.chars(A.alnum, 24)}`);
  add('key-id-text', 'keyId', 'ed25519-2025-01', 'signed with key_id=ed25519-2025-01');
  add('api-key-id', 'api_key_id', `ak_${hex(16)}`);
  add('token-count', 'token_count', 1234, 'token_count=1234');
  add('tokens-in', 'tokens_in', 812, '"tokens_in": 812, "tokens_out": 96');
  add('max-tokens', 'max_tokens', 4096, 'max_tokens: 4096');
  add('password-policy', 'password_policy', 'min12-upper-digit', 'password_policy=min12-upper-digit');
  add('password-reset-url', 'password_reset_url', 'https://id.example.com/reset');
  add('secret-name', 'secret_name', 'prod/payments/db-credentials');
  add('next-page-token', 'next_page_token', r.chars(A.base64url, 40));
  add('token-type', 'token_type', 'Bearer', 'token_type: Bearer');
  add('public-key', 'public_key', `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${r.chars(A.base64, 43)} ops@bastion`);
  add('public-pem', 'certificate', '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----');
  // Cloud resource names.
  add('arn-role', 'role_arn', 'arn:aws:iam::123456789012:role/gateway-runtime');
  add('arn-secret', 'secret_arn', 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf', 'reading arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf');
  add('s3-bucket', 'bucket', 'acme-prod-secrets-backup-eu-west-1');
  add('s3-uri', 'uri', 's3://acme-token-archive/2025/01/15/part-0001.parquet');
  // Prose about passwords and tokens.
  add('prose-reset', 'message', 'Please reset your password here: https://id.example.com/reset', 'Please reset your password here: https://id.example.com/reset');
  add('prose-policy', 'message', 'The password must be at least 12 characters long.', 'The password must be at least 12 characters long.');
  add('prose-bearer', 'message', 'Bearer authentication is required for this endpoint', 'Bearer authentication is required for this endpoint');
  add('prose-basic', 'message', 'Basic authentication is disabled by policy', 'Basic authentication is disabled by policy');
  add('prose-tokens', 'message', 'The model used 512 tokens to answer', 'The model used 512 tokens to answer');
  // URLs, addresses, versions, times, trace context, numbers.
  add('url-plain', 'url', 'https://api.github.com/repos/acme/gateway/pulls?state=open&per_page=50');
  add('url-user-no-password', 'url', 'https://deploy@git.example.com/acme/gateway.git');
  add('url-port', 'endpoint', 'http://localhost:8080/mcp');
  add('email', 'email', 'alice.smith+alerts@example.co.uk');
  add('semver', 'version', '2.14.0-beta.3+build.20250115');
  add('iso-timestamp', 'started_at', '2025-01-15T09:26:53.589Z');
  add('epoch-ms', 'emitted_at', 1736933213589);
  add('trace-id', 'trace_id', hex(32));
  add('span-id', 'span_id', hex(16));
  add('traceparent', 'traceparent', `00-${hex(32)}-${hex(16)}-01`);
  add('json-number', 'duration_us', 184467);
  add('stripe-publishable', 'publishable_key', `pk_live_${r.chars(A.alnum, 24)}`);
  add('kebab-sk', 'slug', 'sk-this-is-not-a-key-at-all-really', 'slug sk-this-is-not-a-key-at-all-really');
  add('data-uri', 'thumbnail', `data:image/png;base64,${r.chars(A.base64, 120)}==`);
  add('session-id', 'session_id', uuid(hex(32)));
  add('auth-type', 'auth_type', 'oauth2', 'auth_type=oauth2');
  add('password-required', 'password_required', 'true', 'password_required=true');
  add('sha256-query', 'download', `https://dl.example.com/gateway.tgz?sha256=${sha256('k').toString('hex')}`);
  add('model-name', 'model', 'claude-3-5-sonnet-20241022');
  add('k8s-name', 'pod', 'gateway-7d9f8b6c5d-x2x8q');
  return out;
}
