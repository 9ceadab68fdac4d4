// Tools of every upstream are listed as `server__tool`. Server names cannot
// contain `_` (see validate-config.ts), so the first `__` splits unambiguously
// even when the tool name itself contains `__`.

export const SEPARATOR = '__';

export function namespaced(server: string, tool: string): string {
  return `${server}${SEPARATOR}${tool}`;
}

export function splitToolName(name: string): { server: string; tool: string } | null {
  const at = name.indexOf(SEPARATOR);
  if (at <= 0 || at + SEPARATOR.length >= name.length) return null;
  return { server: name.slice(0, at), tool: name.slice(at + SEPARATOR.length) };
}

/**
 * The label a call is recorded and judged under when its name resolves to no
 * tool: the name is the client's to choose (any length, any text), so events,
 * metrics and policy see `__unknown__` as the tool, and the configured server
 * the name points at or `__unknown__` as the server. One label set per server
 * at most, whatever a client sends.
 */
export const UNKNOWN_LABEL = '__unknown__';

const SHOWN_NAME_CHARS = 256;

/** A client's tool name as quoted in messages: JSON, cut to a bounded length. */
export function shownName(name: string): string {
  return name.length <= SHOWN_NAME_CHARS ? JSON.stringify(name) : `${JSON.stringify(name.slice(0, SHOWN_NAME_CHARS))}…(${name.length} characters)`;
}
