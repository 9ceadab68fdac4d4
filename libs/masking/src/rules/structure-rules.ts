// Secrets recognised by their surrounding structure rather than an issuer
// prefix: PEM private-key blocks, JWTs, passwords in URL userinfo, Slack
// webhook URLs, and `Bearer` / `Basic` credentials outside a header.
import { placeholder } from '../secret-kinds.ts';
import { replaceMatch, type TextRule } from '../text-rule.ts';

/**
 * BEGIN line, then a body that cannot contain `--` (so the body scan stops at
 * the next PEM boundary, whatever follows), then an END line if there is one.
 * A block without END (cut by a size cap) is still masked up to where it stops.
 * `\n` escapes inside JSON strings are ordinary body characters.
 */
const PEM = String.raw`-----BEGIN[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----(?:[^-]|-(?!-)){0,65536}(?:-----END[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----)?`;

/** Header segment starts `eyJ` (base64url of `{"`); payload and signature are base64url. */
const JWT = String.raw`(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,8192}\.[A-Za-z0-9_-]{2,16384}\.[A-Za-z0-9_-]{0,8192}`;

/**
 * scheme://user:password@ — any scheme (postgres, mongodb+srv, redis, amqps,
 * https…). The user part is kept for debugging; the password runs to the LAST
 * `@` before the host (unencoded `@` in passwords is common), never past `/`.
 * The match starts at `://` (the scheme is checked by look-behind) so the
 * engine can skip to it rather than try every word as a scheme.
 */
const URL_PASSWORD = String.raw`://(?<=(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{1,30}://)([^\s:/?#@"'<>\\]{0,256}:)([^\s/?#"'<>\\]{1,256})@`;

const SLACK_WEBHOOK = String.raw`(https://hooks\.slack\.com/(?:services|workflows|triggers)/)[A-Za-z0-9_/-]{16,256}`;

/** RFC 6750 b64token: the token chars, then only `=` padding, then a boundary (`Bearer duration_ms=41` is not one). */
const BEARER = String.raw`(?<![A-Za-z0-9_-])([Bb]earer[ \t]{1,4})([A-Za-z0-9._~+/-]{8,8192}={0,2})(?![A-Za-z0-9._~+/=-])`;

const BASIC = String.raw`(?<![A-Za-z0-9_-])([Bb]asic[ \t]{1,4})([A-Za-z0-9+/]{4,1024}={0,2})`;

/** Prose says "bearer token"; a credential mixes letters with digits, or both cases over 16+ characters. */
function credentialShaped(token: string): boolean {
  const letters = /[A-Za-z]/.test(token);
  return (letters && /[0-9]/.test(token)) || (/[A-Z]/.test(token) && /[a-z]/.test(token) && token.length >= 16);
}

/** "Basic authentication" is prose; `Basic dXNlcjpwYXNz` decodes to `user:pass`. */
function decodesToUserPass(b64: string): boolean {
  if (b64.length % 4 !== 0) return false;
  const decoded = Buffer.from(b64, 'base64').toString('latin1');
  return decoded.includes(':') && !/[\x00-\x08\x0e-\x1f\x7f]/.test(decoded);
}

export function structureRules(): TextRule[] {
  const pem = placeholder('private_key');
  const jwt = placeholder('jwt');
  const url = placeholder('connection_password');
  const hook = placeholder('slack_webhook');
  const bearer = placeholder('bearer_token');
  const basic = placeholder('basic_auth');
  return [
    { name: 'pem-private-key', source: PEM, decide: (g, start) => replaceMatch('private_key', pem, start, g) },
    { name: 'jwt', source: JWT, decide: (g, start) => replaceMatch('jwt', jwt, start, g) },
    {
      name: 'slack-webhook',
      source: SLACK_WEBHOOK,
      decide: (g, start) => replaceMatch('slack_webhook', g[1]! + hook, start, g),
    },
    {
      name: 'url-password',
      source: URL_PASSWORD,
      // An already-masked password is left as it is, so masking twice is a no-op.
      decide: (g, start) => (g[2] === url ? null : replaceMatch('connection_password', `://${g[1]!}${url}@`, start, g)),
    },
    {
      name: 'bearer',
      source: BEARER,
      decide: (g, start) => (credentialShaped(g[2]!) ? replaceMatch('bearer_token', g[1]! + bearer, start, g) : null),
    },
    {
      name: 'basic',
      source: BASIC,
      decide: (g, start) => (decodesToUserPass(g[2]!) ? replaceMatch('basic_auth', g[1]! + basic, start, g) : null),
    },
  ];
}
