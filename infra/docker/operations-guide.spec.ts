// docs/operations.md and infra/k8s/README.md against what they describe (the
// test runner does not look under docs/, so this lives with the deployment
// files): every shipped alert has its section with the right severity, the
// retention classes say what the migrations leave as TTLs, every setting named
// exists, and every relative link resolves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';

const root = new URL('../..', import.meta.url).pathname;
const guidePath = join(root, 'docs/operations.md');
const guide = readFileSync(guidePath, 'utf8');
const docs = [guidePath, join(root, 'infra/k8s/README.md')];

test('every alert rule has a section saying what to do, with its severity', () => {
  const rules = parse(readFileSync(join(root, 'infra/prometheus/rules/mcpg.rules.yml'), 'utf8')) as {
    groups: { rules: { alert: string; labels: { severity: string } }[] }[];
  };
  const alerts = rules.groups.flatMap((g) => g.rules).map((r) => `${r.alert} (${r.labels.severity})`);
  const sections = [...guide.matchAll(/^### (MCPG\w+ \(\w+\))$/gm)].map((m) => m[1]);
  assert.deepEqual(sections, alerts);
});

test('the retention classes match the TTLs the migrations leave on each table', () => {
  // The TTL each table ends with once every migration has run, in order: the
  // one in its CREATE TABLE, or the last ALTER TABLE … MODIFY TTL after it.
  const ttl = new Map<string, string>();
  const files = readdirSync(join(root, 'schemas/clickhouse')).filter((f) => f.endsWith('.sql')).sort();
  for (const file of files) {
    const text = readFileSync(join(root, 'schemas/clickhouse', file), 'utf8');
    for (const statement of text.split(/;\s*$/m)) {
      const created = /CREATE TABLE IF NOT EXISTS (\w+)[\s\S]*?^TTL (.+)$/m.exec(statement);
      if (created) ttl.set(created[1]!, created[2]!.trim());
      const altered = /ALTER TABLE (\w+) MODIFY TTL (.+)$/m.exec(statement);
      if (altered) ttl.set(altered[1]!, altered[2]!.trim());
    }
  }
  const section = guide.slice(guide.indexOf('## Retention'), guide.indexOf('## Ledger signing keys'));
  const rows = [...section.matchAll(/^\| (samples|payloads|rollups_1m|rollups_1h|rollups_1d|audit) \| (.+?) \| (.+?) \|$/gm)];
  assert.deepEqual(rows.map((r) => r[1]), ['samples', 'payloads', 'rollups_1m', 'rollups_1h', 'rollups_1d', 'audit']);
  const listed = new Set<string>();
  for (const [, cls, tables, from] of rows) {
    for (const [, table] of tables!.matchAll(/`(\w+)`/g)) {
      listed.add(table!);
      const actual = ttl.get(table!);
      assert.ok(actual, `${table} (class ${cls}) has no TTL in the migrations`);
      if (cls === 'audit') {
        // Audit rows leave by pruning whole segments; the row TTL is only a backstop beyond any plan.
        assert.match(actual, /\+ INTERVAL 80 YEAR$/, `${table}: the audit backstop`);
      } else {
        const column = /^`(\w+)`$/.exec(from!)?.[1];
        assert.ok(column, `unreadable "counted from" for ${cls}`);
        assert.match(actual, new RegExp(`^(toDateTime\\()?${column}\\)? \\+ toIntervalDay\\(retention_days\\)$`), `${table} (class ${cls})`);
      }
    }
  }
  // Every other table with a TTL is named in the guide with what it is, and
  // the tables kept on purpose have none.
  for (const table of ttl.keys()) {
    if (!listed.has(table)) assert.match(section, new RegExp(`\`${table}\``), `${table} has a TTL the retention section does not name`);
  }
  assert.match(ttl.get('audit_checkpoints') ?? '', /\+ INTERVAL 80 YEAR$/);
  for (const table of ['tool_totals_1d', 'dead_letters']) {
    assert.ok(!ttl.has(table), `${table} must have no TTL`);
    assert.match(section, new RegExp(`\`${table}\`[^.]*no TTL on purpose`));
  }
});

test('every MCPG_ setting the documents name is a real one', () => {
  const known = new Set(['MCPG_REQUIRED_ENV', 'MCPG_HOME']);
  for (const m of readFileSync(join(root, 'README.md'), 'utf8').matchAll(/^\| `(MCPG_[A-Z0-9_]+)`/gm)) known.add(m[1]!);
  for (const lib of readdirSync(join(root, 'libs'))) {
    const file = join(root, 'libs', lib, 'src', 'settings.ts');
    if (existsSync(file)) for (const m of readFileSync(file, 'utf8').matchAll(/env: '(MCPG_[A-Z0-9_]+)'/g)) known.add(m[1]!);
  }
  for (const doc of docs) {
    for (const m of readFileSync(doc, 'utf8').matchAll(/\bMCPG_[A-Z0-9_]*[A-Z0-9]\b/g)) {
      assert.ok(known.has(m[0]), `${doc.slice(root.length)} names ${m[0]}, which no app reads`);
    }
  }
});

test('every relative link resolves', () => {
  for (const doc of docs) {
    for (const m of readFileSync(doc, 'utf8').matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
      if (/^[a-z]+:/.test(m[1]!)) continue;
      assert.ok(existsSync(join(dirname(doc), m[1]!)), `${doc.slice(root.length)} links to ${m[1]}`);
    }
  }
});
