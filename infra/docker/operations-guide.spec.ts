// docs/operations.md and infra/k8s/README.md against what they describe (the
// test runner does not look under docs/, so this lives with the deployment
// files): every shipped alert has its section with the right severity, the
// retention table says what the migrations' TTLs say, every setting named
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

test('the retention table matches the TTLs in the migrations', () => {
  const section = guide.slice(guide.indexOf('## Retention'), guide.indexOf('## Ledger signing keys'));
  const rows = [...section.matchAll(/^\| `(\w+)` \| (.+?) \| `(\d{3}_\w+\.sql)` \|$/gm)];
  assert.ok(rows.length >= 6);
  const sql = (file: string) => readFileSync(join(root, 'schemas/clickhouse', file), 'utf8');
  for (const [, table, ttl, file] of rows) {
    const text = sql(file!);
    const body = text.slice(text.indexOf(`CREATE TABLE IF NOT EXISTS ${table}`)).split(/;\s*$/m)[0]!;
    assert.ok(body.startsWith('CREATE TABLE'), `${file} does not create ${table}`);
    const m = /^`(\w+)` \+ (\d+) (day|year)s$/.exec(ttl!);
    if (ttl === 'none, on purpose') {
      assert.ok(!/^TTL /m.test(body), `${table} has a TTL in ${file}`);
    } else {
      assert.ok(m, `unreadable TTL "${ttl}" for ${table}`);
      assert.match(body, new RegExp(`^TTL (toDateTime\\()?${m[1]}\\)? \\+ INTERVAL ${m[2]} ${m[3]!.toUpperCase()}$`, 'm'), `${table} in ${file}`);
    }
  }
  // Every table with a TTL is in the table.
  const listed = new Set(rows.map((r) => r[1]));
  for (const file of readdirSync(join(root, 'schemas/clickhouse')).filter((f) => f.endsWith('.sql'))) {
    for (const m of sql(file).matchAll(/CREATE TABLE IF NOT EXISTS (\w+)[^;]*?\nTTL /g)) assert.ok(listed.has(m[1]), `${m[1]} (${file}) has a TTL the guide does not list`);
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
