// The places a value turns up in gateway traffic: alone, in a log line, in an
// error message, in a URL, as JSON (an object, nested deep, in an array, and
// as JSON text — also JSON inside a JSON string, as error envelopes carry it).
// Text contexts go through maskText, structured ones through maskJson.

export interface Carrier {
  /** How it appears in text on its own. */
  readonly text: string;
  /** The JSON key and value for structured contexts. */
  readonly key: string;
  readonly value: string | number;
  /** Its URL form, when it has one. */
  readonly url?: string;
}

export type Context =
  | { readonly name: string; readonly kind: 'text'; readonly build: (c: Carrier) => string | undefined }
  | { readonly name: string; readonly kind: 'json'; readonly build: (c: Carrier) => unknown };

export const CONTEXTS: readonly Context[] = [
  { name: 'bare', kind: 'text', build: (c) => c.text },
  {
    name: 'log line',
    kind: 'text',
    build: (c) => `2025-01-15T09:26:53.589Z INFO gateway tool=db__query org=acme ${c.text} duration_ms=41`,
  },
  {
    name: 'error message',
    kind: 'text',
    build: (c) => `Error: upstream rejected the call (${c.text})\n    at dispatch (file:///app/gateway/dispatch.js:88:13)`,
  },
  { name: 'url', kind: 'text', build: (c) => c.url },
  { name: 'json text', kind: 'text', build: (c) => JSON.stringify({ tool: 'db__query', arguments: { [c.key]: c.value } }) },
  {
    name: 'json in a json string',
    kind: 'text',
    build: (c) => JSON.stringify({ error: { code: -32603, message: JSON.stringify({ [c.key]: c.value }) } }),
  },
  { name: 'json object', kind: 'json', build: (c) => ({ tool: 'db__query', arguments: { [c.key]: c.value, limit: 10 } }) },
  {
    name: 'nested object',
    kind: 'json',
    build: (c) => ({ jsonrpc: '2.0', id: 7, params: { arguments: { config: { targets: [{ name: 'primary', [c.key]: c.value }] } } } }),
  },
  { name: 'array', kind: 'json', build: (c) => ({ lines: ['starting', c.text, 42, null, true] }) },
  { name: 'error object', kind: 'json', build: (c) => ({ error: { code: -32000, message: `tool failed: ${c.text}`, data: { attempt: 2 } } }) },
];
