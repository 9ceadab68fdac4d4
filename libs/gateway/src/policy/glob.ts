// Glob patterns for policy rules: `*` matches any run of characters (also
// none), `?` one character; everything else is literal. Compiled once.

export type Matcher = (value: string) => boolean;

export function compileGlob(pattern: string): Matcher {
  if (pattern === '*') return () => true;
  if (!/[*?]/.test(pattern)) return (value) => value === pattern;
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  const re = new RegExp(`^${source}$`, 's');
  return (value) => re.test(value);
}

/** Any of the globs; an empty list matches everything. */
export function compileAny(patterns: readonly string[]): Matcher {
  if (patterns.length === 0) return () => true;
  const matchers = patterns.map(compileGlob);
  return (value) => matchers.some((m) => m(value));
}
