// Masking a value already known to be secret (it sits under a secret key):
// the whole value goes, except an HTTP auth scheme word, which is kept for
// debugging ("Bearer [REDACTED:authorization]" says which scheme failed).
// The placeholder names the value's own format when the whole value is one
// (a `ghp_…` under `token` is a github_token), else the key's kind.
import { isPlaceholder, placeholder, type SecretKind } from './secret-kinds.ts';

const SCHEME = /^(?:Bearer|Basic|Digest|Token|Negotiate|NTLM|Bot|ApiKey|SSWS|AWS4-HMAC-SHA256|bearer|basic|token)[ \t]+(?=\S)/;

/** The kind of a known format when `value` is exactly one such secret, else null. */
export type FormatKind = (value: string) => SecretKind | null;

export interface MaskedValue {
  readonly text: string;
  /** Null when nothing was masked (empty, or already a placeholder). */
  readonly kind: SecretKind | null;
}

export function maskSecretValue(value: string, keyKind: SecretKind, formatKind: FormatKind): MaskedValue {
  const scheme = SCHEME.exec(value)?.[0] ?? '';
  const secret = scheme === '' ? value : value.slice(scheme.length);
  if (secret.trim() === '' || isPlaceholder(secret)) return { text: value, kind: null };
  const kind = formatKind(secret) ?? keyKind;
  return { text: scheme + placeholder(kind), kind };
}
