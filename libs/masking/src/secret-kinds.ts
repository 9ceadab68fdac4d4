// What a masked secret was, as a closed list: the placeholder names it, the
// masker counts by it (a metric label), and nothing else of the secret is kept.

export const SECRET_KINDS = [
  // Self-identifying formats: the value alone says what it is.
  'aws_access_key_id',
  'aws_secret_access_key',
  'github_token',
  'gitlab_token',
  'slack_token',
  'slack_webhook',
  'stripe_key',
  'google_api_key',
  'google_oauth_token',
  'openai_key',
  'anthropic_key',
  'npm_token',
  'huggingface_token',
  'sendgrid_key',
  'jwt',
  'private_key',
  'bearer_token',
  'basic_auth',
  'connection_password',
  // Named by the key (or header, flag, XML element) the value sits under.
  'password',
  'secret',
  'token',
  'api_key',
  'authorization',
  'cookie',
  'session',
  'credential',
  // A random-looking value in a secret-ish context that no format above matched.
  'high_entropy',
] as const;

export type SecretKind = (typeof SECRET_KINDS)[number];

/**
 * The masked form: a typed placeholder and nothing of the secret — no prefix,
 * no last four, no length — so the output is deterministic (the ledger hashes
 * it) and carries none of the secret's entropy.
 */
export function placeholder(kind: SecretKind): string {
  return PLACEHOLDERS[kind];
}

const PLACEHOLDERS = Object.fromEntries(SECRET_KINDS.map((k) => [k, `[REDACTED:${k}]`])) as Record<SecretKind, string>;

const PLACEHOLDER_RE = /^\[REDACTED:[a-z_]{1,40}\]$/;

/** True for a value that is already a placeholder, so masking twice changes nothing. */
export function isPlaceholder(value: string): boolean {
  return value.length <= 52 && value.charCodeAt(0) === 0x5b && PLACEHOLDER_RE.test(value);
}

/** Masked-secret counts by kind, for a metric or for one call's event. */
export type MaskTally = { [K in SecretKind]?: number };

export function tallyTotal(tally: MaskTally): number {
  let n = 0;
  for (const k of SECRET_KINDS) n += tally[k] ?? 0;
  return n;
}
