// Migrations may run twice, even at the same time from two processes
// (ClickHouse has no transactions or DDL locks to serialise them). Each
// statement must therefore be a no-op the second time. This guard rejects the
// common ways to get that wrong; it is a lint, not a proof.

/** Returns why `code` (a statement without comments/literals) is not idempotent, or undefined. */
export function nonIdempotentReason(code: string): string | undefined {
  const s = code.toUpperCase();
  if (/^CREATE\b/.test(s)) {
    // Access entities (server-only migrations) put the clause after the kind: CREATE ROW POLICY OR REPLACE p ON t.
    const ok =
      /^CREATE\s+(OR\s+REPLACE\b|(TEMPORARY\s+|MATERIALIZED\s+)?\w+\s+IF\s+NOT\s+EXISTS\b)/.test(s) ||
      /^CREATE\s+(ROW\s+POLICY|POLICY|ROLE|SETTINGS\s+PROFILE|PROFILE|QUOTA)\s+(IF\s+NOT\s+EXISTS|OR\s+REPLACE)\b/.test(s);
    return ok ? undefined : 'CREATE without IF NOT EXISTS (or OR REPLACE)';
  }
  if (/^DROP\b/.test(s)) {
    return /^DROP\s+(TEMPORARY\s+)?\w+\s+IF\s+EXISTS\b/.test(s) ? undefined : 'DROP without IF EXISTS';
  }
  if (/^ALTER\b/.test(s)) {
    if (/\bADD\s+(COLUMN|INDEX|PROJECTION|CONSTRAINT|STATISTICS)\s+(?!IF\s+NOT\s+EXISTS\b)/.test(s)) {
      return 'ALTER … ADD without IF NOT EXISTS';
    }
    if (/\b(DROP|CLEAR|RENAME)\s+(COLUMN|INDEX|PROJECTION|CONSTRAINT|STATISTICS)\s+(?!IF\s+EXISTS\b)/.test(s)) {
      return 'ALTER … DROP/CLEAR/RENAME without IF EXISTS';
    }
    return undefined;
  }
  if (/^(INSERT|RENAME|EXCHANGE)\b/.test(s)) {
    return `${s.split(' ', 1)[0]} is not idempotent (a second run duplicates or fails); express it as DDL`;
  }
  return undefined;
}
