// Real-looking secrets in their issuers' formats, generated from a fixed seed
// (nothing here was ever a live credential). Each sample says which part is
// the secret — the characters that must never survive masking — and how it
// naturally appears: on its own, or named by a key, header, flag or URL.
import type { SecretKind } from '../secret-kinds.ts';
import { ALPHABETS as A, prng, type Prng } from './prng.ts';

export interface SecretSample {
  readonly id: string;
  /** The placeholder kind expected when the sample is masked as it stands (`text`). */
  readonly kind: SecretKind;
  /** The characters that must not survive, in full or in any 8-character piece. */
  readonly secret: string;
  /** How it appears in text on its own: the token itself, `password=…`, a header, a URL, a PEM block. */
  readonly text: string;
  /** The JSON key it lives under in structured contexts (a neutral key for self-identifying formats). */
  readonly key: string;
  /** The value stored under `key`. */
  readonly value: string;
  /** The sample inside a URL, when it can be in one. */
  readonly url?: string;
}

const b64url = (s: string) => Buffer.from(s).toString('base64url');

/** A self-identifying token: the value alone says what it is, under any key. */
function token(id: string, kind: SecretKind, secret: string, full = secret): SecretSample {
  return { id, kind, secret, text: full, key: 'input', value: full, url: `https://api.example.com/v1/hook?ref=${full}&page=2` };
}

/** A value that is secret because of what names it. */
function named(id: string, kind: SecretKind, key: string, secret: string, text: string, url = true): SecretSample {
  const sample = { id, kind, secret, text, key, value: secret };
  return url ? { ...sample, url: `https://api.example.com/v1/login?user=bob&${key}=${secret}` } : sample;
}

/** Random characters from `alphabet` that include upper, lower and a digit (as real keys nearly always do). */
function mixed(r: Prng, alphabet: string, n: number): string {
  for (;;) {
    const s = r.chars(alphabet, n);
    if (/[A-Z]/.test(s) && /[a-z]/.test(s) && /[0-9]/.test(s)) return s;
  }
}

function pemBlock(r: Prng, label: string, lines: number): { block: string; body: string } {
  const rows = Array.from({ length: lines }, () => r.chars(A.base64, 64));
  rows.push(`${r.chars(A.base64, 20)}==`);
  const body = rows.join('\n');
  return { block: `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----`, body };
}

function jwt(r: Prng, alg: string, sigLength: number): string {
  const header = b64url(JSON.stringify({ alg, typ: 'JWT' }));
  const payload = b64url(JSON.stringify({ sub: `user-${r.int(1e6)}`, iat: 1_700_000_000 + r.int(1e7), scope: 'tools:call' }));
  return `${header}.${payload}.${r.chars(A.base64url, sigLength)}`;
}

export function secretSamples(seed = 0x5eed_2024): SecretSample[] {
  const r = prng(seed);
  const pw = (n: number) => mixed(r, A.password, n);
  const out: SecretSample[] = [];

  // AWS: key ids are self-identifying; the secret key is not, so it comes with its name.
  for (let i = 0; i < 3; i++) out.push(token(`aws-akia-${i}`, 'aws_access_key_id', `AKIA${r.chars(A.base32, 16)}`));
  for (let i = 0; i < 2; i++) out.push(token(`aws-asia-${i}`, 'aws_access_key_id', `ASIA${r.chars(A.base32, 16)}`));
  const awsSecrets = Array.from({ length: 3 }, () => mixed(r, A.base64, 40));
  out.push(named('aws-secret-env', 'aws_secret_access_key', 'AWS_SECRET_ACCESS_KEY', awsSecrets[0]!, `AWS_SECRET_ACCESS_KEY=${awsSecrets[0]!}`, false));
  out.push(named('aws-secret-ini', 'aws_secret_access_key', 'aws_secret_access_key', awsSecrets[1]!, `aws_secret_access_key = ${awsSecrets[1]!}`, false));
  const keyId = `AKIA${r.chars(A.base32, 16)}`;
  out.push({
    id: 'aws-secret-csv',
    kind: 'aws_secret_access_key',
    secret: awsSecrets[2]!,
    text: `Access key ID,Secret access key\n${keyId},${awsSecrets[2]!}`,
    key: 'SecretAccessKey',
    value: awsSecrets[2]!,
  });

  // GitHub: classic tokens (prefix + 36) and fine-grained PATs.
  for (const p of ['ghp', 'ghp', 'gho', 'ghu', 'ghs', 'ghr']) out.push(token(`github-${p}-${out.length}`, 'github_token', `${p}_${r.chars(A.alnum, 36)}`));
  for (let i = 0; i < 2; i++) out.push(token(`github-pat-${i}`, 'github_token', `github_pat_${r.chars(A.alnum, 22)}_${r.chars(A.alnum, 59)}`));
  for (let i = 0; i < 2; i++) out.push(token(`gitlab-${i}`, 'gitlab_token', `glpat-${r.chars(A.alnum + '-_', 20)}`));

  // Slack: bot, user and app tokens, and incoming webhooks (the path is the secret).
  out.push(token('slack-bot', 'slack_token', `xoxb-${r.chars(A.digits, 11)}-${r.chars(A.digits, 13)}-${r.chars(A.alnum, 24)}`));
  out.push(token('slack-user', 'slack_token', `xoxp-${r.chars(A.digits, 11)}-${r.chars(A.digits, 12)}-${r.chars(A.digits, 13)}-${r.chars(A.hex, 32)}`));
  out.push(token('slack-app', 'slack_token', `xapp-1-A0${r.chars(A.upper + A.digits, 9)}-${r.chars(A.digits, 13)}-${r.chars(A.hex, 64)}`));
  for (let i = 0; i < 2; i++) {
    const path = `T${r.chars(A.upper + A.digits, 8)}/B${r.chars(A.upper + A.digits, 10)}/${r.chars(A.alnum, 24)}`;
    out.push(token(`slack-webhook-${i}`, 'slack_webhook', path, `https://hooks.slack.com/services/${path}`));
  }

  // Stripe secret and restricted keys (live and test) and a webhook signing secret.
  out.push(token('stripe-live-0', 'stripe_key', `sk_live_${r.chars(A.alnum, 24)}`));
  out.push(token('stripe-live-1', 'stripe_key', `sk_live_51${r.chars(A.alnum, 97)}`));
  out.push(token('stripe-restricted', 'stripe_key', `rk_live_51${r.chars(A.alnum, 97)}`));
  out.push(token('stripe-test', 'stripe_key', `sk_test_${r.chars(A.alnum, 24)}`));
  out.push(token('stripe-webhook', 'stripe_key', `whsec_${r.chars(A.alnum, 32)}`));

  // Google API keys and an OAuth access token.
  for (let i = 0; i < 2; i++) out.push(token(`google-api-${i}`, 'google_api_key', `AIza${r.chars(A.alnum + '-_', 35)}`));
  out.push(token('google-oauth', 'google_oauth_token', `ya29.${r.chars(A.alnum + '-_', 120)}`));

  // OpenAI (legacy, project, service account) and Anthropic keys.
  out.push(token('openai-legacy', 'openai_key', `sk-${mixed(r, A.alnum, 20)}T3BlbkFJ${mixed(r, A.alnum, 20)}`));
  out.push(token('openai-project', 'openai_key', `sk-proj-${mixed(r, A.base64url, 156)}`));
  out.push(token('openai-svcacct', 'openai_key', `sk-svcacct-${mixed(r, A.base64url, 120)}`));
  out.push(token('anthropic-api', 'anthropic_key', `sk-ant-api03-${r.chars(A.base64url, 93)}AA`));
  out.push(token('anthropic-admin', 'anthropic_key', `sk-ant-admin01-${r.chars(A.base64url, 93)}AA`));

  // Package registries and others.
  out.push(token('npm', 'npm_token', `npm_${r.chars(A.alnum, 36)}`));
  out.push(token('huggingface', 'huggingface_token', `hf_${mixed(r, A.upper + A.lower + A.digits, 34)}`));
  out.push(token('sendgrid', 'sendgrid_key', `SG.${r.chars(A.base64url, 22)}.${r.chars(A.base64url, 43)}`));

  // JWTs (HMAC and RSA signatures).
  out.push(token('jwt-hs256', 'jwt', jwt(r, 'HS256', 43)));
  out.push(token('jwt-rs256', 'jwt', jwt(r, 'RS256', 342)));
  out.push(token('jwt-es256', 'jwt', jwt(r, 'ES256', 86)));

  // PEM private keys: the body is the secret; the block has no URL form.
  for (const [i, label] of ['RSA PRIVATE KEY', 'EC PRIVATE KEY', 'PRIVATE KEY', 'OPENSSH PRIVATE KEY', 'ENCRYPTED PRIVATE KEY'].entries()) {
    const { block, body } = pemBlock(r, label, 6 + i * 3);
    out.push({ id: `pem-${label.toLowerCase().replace(/ /g, '-')}`, kind: 'private_key', secret: body, text: block, key: 'content', value: block });
  }

  // HTTP authorization, as a header and on its own.
  const bearer = [mixed(r, A.base64url, 40), mixed(r, A.alnum, 32)];
  out.push({ id: 'bearer-header', kind: 'bearer_token', secret: bearer[0]!, text: `Authorization: Bearer ${bearer[0]!}`, key: 'Authorization', value: `Bearer ${bearer[0]!}` });
  out.push({ id: 'bearer-prose', kind: 'bearer_token', secret: bearer[1]!, text: `retrying with Bearer ${bearer[1]!} after refresh`, key: 'authorization', value: `Bearer ${bearer[1]!}` });
  const basic = Buffer.from(`deploy:${pw(16)}`).toString('base64');
  out.push({ id: 'basic-header', kind: 'basic_auth', secret: basic, text: `Authorization: Basic ${basic}`, key: 'proxy-authorization', value: `Basic ${basic}` });

  // Connection strings: the password is the secret, user and host stay.
  const conn = (id: string, make: (p: string) => string, password = pw(18)): SecretSample => ({
    id,
    kind: 'connection_password',
    secret: password,
    text: make(password),
    key: 'database_url',
    value: make(password),
    url: `https://admin.example.com/connect?target=${make(password)}`,
  });
  out.push(conn('postgres', (p) => `postgres://app_user:${p}@db.internal:5432/orders`));
  out.push(conn('postgresql-ssl', (p) => `postgresql://reporting:${p}@pg-replica-2.eu-west-1.rds.amazonaws.com/analytics?sslmode=require`));
  out.push(conn('mysql', (p) => `mysql://root:${p}@127.0.0.1:3306/app`));
  out.push(conn('mongodb-srv', (p) => `mongodb+srv://svc-reader:${p}@cluster0.ab1cd.mongodb.net/prod?retryWrites=true&w=majority`));
  out.push(conn('redis-no-user', (p) => `redis://:${p}@cache.internal:6379/0`));
  out.push(conn('rediss-user', (p) => `rediss://default:${p}@redis-12345.c1.us-east-1-2.ec2.cloud.redislabs.com:12345`));
  out.push(conn('amqps', (p) => `amqps://orders:${p}@rabbit.internal:5671/vhost`));
  out.push(conn('at-in-password', (p) => `postgres://admin:${p}@db.internal/main`, `${pw(8)}@${pw(8)}`));
  for (const [id, make] of [
    ['jdbc-mysql', (p: string) => `jdbc:mysql://db.internal:3306/shop?user=shop&password=${p}&useSSL=true`],
    ['jdbc-sqlserver', (p: string) => `jdbc:sqlserver://sql.internal:1433;databaseName=crm;user=crm_app;password=${p};encrypt=true`],
    ['ado-net', (p: string) => `Server=tcp:sql.internal,1433;Database=crm;User Id=crm_app;Password=${p};`],
  ] as const) {
    const p = pw(18);
    out.push({ id, kind: 'password', secret: p, text: make(p), key: 'connection_string', value: make(p) });
  }

  // Assignments in text, JSON, headers, flags and markup.
  const gen: ReadonlyArray<readonly [string, SecretKind, string, (s: string) => string]> = [
    ['password-eq', 'password', 'password', (s) => `password=${s}`],
    ['passwd-colon', 'password', 'passwd', (s) => `passwd: ${s}`],
    ['db-password-env', 'password', 'DB_PASSWORD', (s) => `DB_PASSWORD=${s}`],
    ['spring-password', 'password', 'spring.datasource.password', (s) => `spring.datasource.password=${s}`],
    ['php-password', 'password', 'password', (s) => `$password = '${s}';`],
    ['ruby-password', 'password', 'password', (s) => `:password => "${s}"`],
    ['cli-password', 'password', 'password', (s) => `pg_dump --host db --password ${s} --dbname app`],
    ['xml-password', 'password', 'password', (s) => `<server><id>nexus</id><password>${s}</password></server>`],
    ['client-secret-json', 'secret', 'client_secret', (s) => `{"client_id": "web-portal", "client_secret": "${s}"}`],
    ['secret-eq', 'secret', 'secret', (s) => `secret=${s}`],
    ['api-key-eq', 'api_key', 'api_key', (s) => `api_key=${s}`],
    ['api-key-camel', 'api_key', 'apiKey', (s) => `apiKey: "${s}"`],
    ['x-api-key-header', 'api_key', 'x-api-key', (s) => `X-Api-Key: ${s}`],
    ['token-colon', 'token', 'token', (s) => `token: ${s}`],
    ['refresh-token', 'token', 'refresh_token', (s) => `refresh_token=${s}`],
    ['session-token', 'token', 'sessionToken', (s) => `sessionToken=${s}`],
    ['cookie-header', 'cookie', 'cookie', (s) => `Cookie: theme=dark; session=${s}; lang=en`],
    ['set-cookie', 'cookie', 'set-cookie', (s) => `Set-Cookie: sid=${s}; Path=/; HttpOnly; Secure`],
    ['private-key-b64', 'private_key', 'private_key', (s) => `private_key: ${s}`],
    ['credentials-eq', 'credential', 'credentials', (s) => `credentials=${s}`],
  ];
  for (const [id, kind, key, make] of gen) {
    const s = id === 'private-key-b64' ? mixed(r, A.base64, 44) : pw(14 + r.int(12));
    out.push(named(id, kind, key, s, make(s), !id.includes('cookie') && !id.includes('cli') && !id.includes('xml')));
  }
  // A password that reads like words: masked by its name, not by randomness.
  out.push(named('password-words', 'password', 'password', 'Winter2025!Harbour', 'password: Winter2025!Harbour'));

  // No known format: random-looking values caught by a secret-ish name nearby.
  const rnd = () => mixed(r, A.alnum, 32);
  const e = [rnd(), rnd(), mixed(r, A.base64, 44), rnd(), rnd()];
  out.push({ id: 'entropy-prose-api-key', kind: 'api_key', secret: e[0]!, text: `your new api key is ${e[0]!}`, key: 'api_key', value: e[0]! });
  out.push({ id: 'entropy-key-eq', kind: 'high_entropy', secret: e[1]!, text: `key=${e[1]!}`, key: 'key', value: e[1]!, url: `https://maps.example.com/v1/tiles?key=${e[1]!}` });
  out.push({ id: 'entropy-signature', kind: 'high_entropy', secret: e[2]!, text: `"signature": "${e[2]!}"`, key: 'signature', value: e[2]! });
  out.push({ id: 'entropy-prose-token', kind: 'token', secret: e[3]!, text: `use the token ${e[3]!} for the next request`, key: 'token', value: e[3]! });
  out.push({ id: 'entropy-signing-key', kind: 'high_entropy', secret: e[4]!, text: `signing key: ${e[4]!}`, key: 'signing_key', value: e[4]! });
  return out;
}
