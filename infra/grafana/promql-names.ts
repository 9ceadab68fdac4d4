// Just enough PromQL reading to check dashboards against a scrape: the metric
// names an expression selects, its label matchers, and the labels it groups
// or matches on. Not a parser: it handles the constructs dashboards use
// (selectors, ranges, functions, aggregations with by/without, binary
// operators with on/ignoring/group_*), and Grafana's $variables.

const IDENT = /(?<![\w.:$])[a-zA-Z_:][a-zA-Z0-9_:]*/g;
const STRING = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g;
const GROUPING = /\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g;
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'inf', 'nan', 'Inf', 'NaN']);

/** Metric names the expression selects, in order of first use. */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(STRING, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(GROUPING, ' ')
    .replace(/\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/g, ' ');
  const names: string[] = [];
  for (const m of bare.matchAll(IDENT)) {
    const name = m[0];
    const next = bare.slice(m.index + name.length).trimStart();
    if (next.startsWith('(') || KEYWORDS.has(name)) continue; // a function or an aggregation
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

/** `metric{matchers}` selectors of the expression. */
export function selectors(expr: string): { metric: string; matchers: string }[] {
  return [...expr.matchAll(/(?<![\w.:$])([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{([^}]*)\}/g)].map((m) => ({ metric: m[1]!, matchers: m[2]! }));
}

/** Label names of a matcher list such as `org=~"$org", quantile="0.99"`. */
export function labelsOf(matchers: string): string[] {
  return [...matchers.replace(STRING, '""').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)].map((m) => m[1]!);
}

/** Labels named in by / without / on / ignoring / group_left / group_right clauses. */
export function groupingLabels(expr: string): string[] {
  return [...expr.replace(STRING, '""').matchAll(GROUPING)].flatMap((m) => m[1]!.split(',').map((s) => s.trim()).filter(Boolean));
}
