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
