// Test support: the analyst SQL examples of README.md, statement by
// statement, and a store holding a few days of simulated traffic for two orgs
// (default and acme) folded the way the rollup worker folds it, so the
// examples find rows.
import { readFileSync } from 'node:fs';
import { foldBatchTiers, toInvocationRow } from '@mcpg/rollup';
import { TrafficGenerator } from '@mcpg/simulator';
import { insertDayTotals, insertHourTotals, insertOrgRollupTiers, insertRollups, insertTierRollups, insertToolInvocations, type Store } from '@mcpg/store';

const README = new URL('../../../../README.md', import.meta.url);

/**
 * Every statement of every ```sql block of the README's section for analysts
 * (comment-only pieces dropped), as written. (Operator statements elsewhere,
 * such as a one-off INSERT, are not analyst queries.)
 */
export function readmeSqlExamples(): string[] {
  const whole = readFileSync(README, 'utf8');
  const start = whole.indexOf('## For analysts');
  const markdown = whole.slice(start, whole.indexOf('\n## ', start + 1));
  return sqlBlockStatements(markdown);
}

/** The statements of every ```sql block of a Markdown text. */
export function sqlBlockStatements(markdown: string): string[] {
  return [...markdown.matchAll(/```sql\n([\s\S]*?)```/g)].flatMap((m) => sqlStatements(m[1]!));
}

/** SQL text split into statements, comment-only pieces dropped. */
export function sqlStatements(sql: string): string[] {
  return sql
    .split(/;\s*(?:\n|$)/)
    .map((q) => q.trim())
    .filter((q) => q.split('\n').some((line) => line.trim() !== '' && !line.trim().startsWith('--')));
}

/**
 * Two days of traffic for orgs default and acme in every tier the rollup
 * worker writes (so any analyst example, whichever tier it reads, finds rows).
 */
export async function seedTraffic(store: Store, calls = 6_000): Promise<void> {
  const g = new TrafficGenerator({ seed: 3, orgs: ['default', 'acme'], gateways: 4, startTime: Date.now() - 2 * 86_400_000, rate: 0.05 });
  const batch = Array.from({ length: calls }, (_, i) => ({ partition: i % 2, offset: i >> 1, event: g.next().call }));
  const { minutes, days, hours, hourRollups, dayRollups, org } = foldBatchTiers(batch);
  await Promise.all([
    insertRollups(store, minutes),
    insertDayTotals(store, days),
    insertHourTotals(store, hours),
    insertTierRollups(store, 'hour', hourRollups),
    insertTierRollups(store, 'day', dayRollups),
    insertOrgRollupTiers(store, org),
    insertToolInvocations(store, batch.map((c) => toInvocationRow(c.event, c.partition, String(c.offset)))),
  ]);
}

/**
 * The same answer, as far as the statement fixes it: the same rows in any
 * order (several examples order by a count, whose ties ClickHouse may return
 * in any order), and under a LIMIT only as many rows (ties at the cut may
 * pick different rows from one run to the next).
 */
export function sameAnswer(sql: string, actual: readonly unknown[], expected: readonly unknown[]): boolean {
  if (/\bLIMIT\b/i.test(sql)) return actual.length === expected.length;
  const key = (rows: readonly unknown[]) => rows.map((r) => JSON.stringify(r)).sort();
  return JSON.stringify(key(actual)) === JSON.stringify(key(expected));
}
