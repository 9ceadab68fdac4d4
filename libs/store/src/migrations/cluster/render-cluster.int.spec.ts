// A real cluster cannot run here, so the migrations rendered for one are
// checked with ClickHouse's own parser (through the embedded engine): every
// statement parses (formatQuery and EXPLAIN AST), and its tree says it is
// what a cluster needs: each table of the single-node schema as a local
// Replicated*MergeTree table ON CLUSTER plus a Distributed table of the same
// name over it sharded by org, views that read and write local tables, ALTERs
// on the local tables, and every version recorded.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../create-store.ts';
import { StoreError } from '../../errors.ts';
import { walk, type AstNode } from '../../sql/ast-dump.ts';
import { createTestStore } from '../../testing.ts';
import { loadMigrations, type Migration } from '../load-migrations.ts';
import { CLICKHOUSE_SCHEMA_DIR } from '../migrate.ts';
import { localTable, renderForCluster, type RenderedStatement } from './render-cluster.ts';
import { storeParser } from './store-parser.ts';

const CLUSTER = 'mcpg_cluster';
let store: Store;
let migrations: Migration[];
let rendered: RenderedStatement[];
/** Each rendered statement as ClickHouse reads it back. */
let parsed: { sql: string; canonical: string; ast: AstNode }[];
let records: { sql: string; canonical: string }[];

before(async () => {
  store = await createTestStore(); // migrated single-node: the schema to compare with
  migrations = await loadMigrations(CLICKHOUSE_SCHEMA_DIR);
  const parser = storeParser(store);
  rendered = await renderForCluster(migrations, { cluster: CLUSTER, database: 'mcpg' }, parser);
  parsed = [];
  records = [];
  for (const r of rendered) {
    const canonical = await parser.format(r.sql).catch((e: Error) => assert.fail(`${r.file || 'preamble'}: ClickHouse cannot parse\n${r.sql}\n${e.message}`));
    // The record's VALUES are data, not syntax: formatQuery reads the statement, EXPLAIN AST has nothing to add.
    if (r.sql.startsWith('INSERT ')) records.push({ sql: r.sql, canonical });
    else parsed.push({ sql: r.sql, canonical, ast: await parser.ast(canonical) });
  }
});
after(() => store.close());

const fn = (node: AstNode | undefined) => (node?.kind === 'Function' ? node : undefined);
const storageOf = (ast: AstNode) => ast.children.find((c) => c.kind === 'Storage');
const engineOf = (ast: AstNode) => fn(storageOf(ast)?.children[0]);
const argsOf = (f: AstNode | undefined) => f?.children[0]?.children ?? [];

async function singleNodeTables(): Promise<{ name: string; engine: string }[]> {
  const rs = await store.client.query({ query: 'SELECT name, engine FROM system.tables WHERE database = currentDatabase() ORDER BY name', format: 'JSONEachRow' });
  return rs.json();
}

test('every rendered statement is one statement ClickHouse parses, and every DDL runs ON CLUSTER', () => {
  assert.ok(parsed.length > migrations.length);
  for (const p of parsed) {
    if (p.canonical.startsWith('USE ')) continue;
    assert.match(p.canonical.split('\n')[0]!, new RegExp(` ON CLUSTER ${CLUSTER}\\b`), p.canonical.slice(0, 200));
  }
});

test('each single-node table is a Replicated local table plus a Distributed table of its name over it, sharded by org', async () => {
  const creates = new Map(parsed.filter((p) => p.ast.kind === 'CreateQuery' && engineOf(p.ast)).map((p) => [p.ast.detail, p.ast]));
  for (const { name, engine } of await singleNodeTables()) {
    if (engine === 'MaterializedView') continue;
    // schema_migrations is replicated on every node under its own name; every other table has a local twin.
    const local = creates.get(name === 'schema_migrations' ? name : localTable(name));
    assert.ok(local, `${name}: no ${localTable(name)}`);
    const localEngine = engineOf(local)!;
    assert.equal(localEngine.detail, `Replicated${engine}`, `${name}'s local engine`);
    const [path, replica] = argsOf(localEngine);
    assert.deepEqual([path?.kind, replica?.detail], ['Literal', "'{replica}'"], `${name}: replication path and replica name`);
    assert.match(path!.detail, name === 'schema_migrations' ? /^'\/clickhouse\/tables\/all\// : /\{shard\}/);
    if (name === 'schema_migrations') continue;
    const dist = engineOf(creates.get(name)!);
    assert.equal(dist?.detail, 'Distributed', `${name} is Distributed`);
    const [cluster, , table, key] = argsOf(dist);
    assert.deepEqual([cluster?.detail, table?.detail], [CLUSTER, localTable(name)]);
    assert.equal(fn(key)?.detail, 'cityHash64', `${name} has a shard key`);
  }
});

test('the local tables keep the single-node engine arguments and columns', async () => {
  const parser = storeParser(store);
  for (const { name, engine } of await singleNodeTables()) {
    if (engine === 'MaterializedView' || name === 'schema_migrations') continue;
    const rs = await store.client.query({ query: 'SELECT create_table_query AS q FROM system.tables WHERE database = currentDatabase() AND name = {t:String}', query_params: { t: name }, format: 'JSONEachRow' });
    const single = await parser.ast((await rs.json<{ q: string }>())[0]!.q);
    const local = parsed.find((p) => p.ast.kind === 'CreateQuery' && p.ast.detail === localTable(name))!.ast;
    const columns = (a: AstNode) => [...walk(a)].filter((n) => n.kind === 'ColumnDeclaration').map((n) => n.detail);
    // The local table's columns: its CREATE, then the columns later ALTERs add to it.
    const added = parsed.filter((p) => p.ast.kind === 'AlterQuery' && p.ast.detail === localTable(name)).flatMap((p) => columns(p.ast));
    assert.deepEqual([...columns(local), ...added].sort(), columns(single).sort(), `${name}: columns`);
    // The engine's own arguments follow the replication path and replica name.
    const strip = (a: AstNode) => JSON.stringify(argsOf(engineOf(a)));
    assert.equal(JSON.stringify(argsOf(engineOf(local)).slice(2)), strip(single), `${name}: engine arguments`);
  }
});

test('the view reads and writes local tables; ALTERs reach local tables, and Distributed ones for columns', async () => {
  const views = parsed.filter((p) => p.canonical.startsWith('CREATE MATERIALIZED VIEW'));
  assert.ok(views.length > 0);
  for (const v of views) {
    assert.match(v.canonical.split('\n')[0]!, /TO \w+_local$/);
    const reads = [...walk(v.ast)].filter((n) => n.kind === 'TableIdentifier').map((n) => n.detail);
    assert.ok(reads.length > 0 && reads.every((t) => t.endsWith('_local')), `${v.ast.detail} reads ${reads}`);
  }
  const alters = parsed.filter((p) => p.ast.kind === 'AlterQuery');
  assert.ok(alters.length > 0);
  for (const a of alters) {
    const commands = [...walk(a.ast)].filter((n) => n.kind === 'AlterCommand').map((n) => n.detail);
    if (!a.ast.detail.endsWith('_local')) assert.ok(commands.every((c) => c.endsWith('_COLUMN')), `${a.ast.detail}: ${commands} on a Distributed table`);
  }
  // Every ALTER of the single-node migrations has its local form.
  const parser = storeParser(store);
  let singleAlters = 0;
  for (const s of migrations.flatMap((m) => m.statements)) if ((await parser.ast(s)).kind === 'AlterQuery') singleAlters++;
  assert.equal(alters.filter((a) => a.ast.detail.endsWith('_local')).length, singleAlters);
});

test('row policies cover the Distributed and the local tables; every version is recorded', () => {
  const policies = parsed.filter((p) => p.canonical.startsWith('CREATE ROW POLICY')).map((p) => /\bON (\w+) AS\b/.exec(p.canonical.replace(/ON CLUSTER \w+ /, ''))?.[1]);
  // Every org table has its policy on both names, also where the policy's migration comes before the table's.
  const orgTables = parsed.filter((p) => p.ast.kind === 'CreateQuery' && engineOf(p.ast)?.detail === 'Distributed').map((p) => p.ast.detail).filter((t) => !['pipeline_progress', 'dead_letters'].includes(t));
  for (const t of orgTables) assert.ok(policies.includes(t) && policies.includes(localTable(t)), `${t}: row policy on ${t} and ${localTable(t)}`);
  assert.equal(records.length, 1);
  const record = records[0]!;
  assert.match(record.canonical, /^INSERT INTO schema_migrations \(version, name, checksum, skipped\)/);
  for (const m of migrations) assert.ok(record.sql.includes(`(${m.version}, '${m.name}', '${m.checksum}', 0)`), `version ${m.version} recorded`);
});

test('a statement with no cluster form is refused by name, not guessed at', async () => {
  const odd: Migration = { version: 999, name: 'odd', file: '999_odd.sql', checksum: '', target: 'any', statements: ['CREATE TABLE IF NOT EXISTS m (x UInt8) ENGINE = Memory'] };
  await assert.rejects(renderForCluster([odd], { cluster: CLUSTER, database: 'mcpg' }, storeParser(store)), (e: unknown) => {
    return e instanceof StoreError && e.code === 'MIGRATION_INVALID' && e.message.includes('999_odd.sql') && e.message.includes('Memory');
  });
  const mixed: Migration = { ...odd, statements: ['CREATE TABLE IF NOT EXISTS m (x UInt8) ENGINE = MergeTree ORDER BY x', 'ALTER TABLE m ADD COLUMN IF NOT EXISTS y UInt8, MODIFY TTL now()'] };
  await assert.rejects(renderForCluster([mixed], { cluster: CLUSTER, database: 'mcpg' }, storeParser(store)), /split it in two/);
  await assert.rejects(renderForCluster([], { cluster: 'bad name', database: 'mcpg' }, storeParser(store)), /not an identifier/);
});
