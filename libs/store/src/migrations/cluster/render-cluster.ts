// Renders the migrations for a ClickHouse cluster (`mcpg migrate --cluster`):
// the same schema, sharded by org and replicated, for an operator to apply
// with clickhouse-client. The single-node path (migrate.ts) is unchanged.
//
// What changes, statement by statement:
//  - CREATE TABLE t … ENGINE = XMergeTree(args) becomes t_local ON CLUSTER with
//    ReplicatedXMergeTree('/clickhouse/tables/{shard}/{database}/{table}',
//    '{replica}', args), plus t itself as a Distributed table over t_local,
//    sharded by cityHash64(org) (every sort key starts with org, so the copies
//    a ReplacingMergeTree folds always meet on one shard; a table without org
//    is sharded by its whole sort key, for the same reason);
//  - a materialized view reads and writes the local tables (inserts arrive on
//    each shard's t_local), ON CLUSTER;
//  - ALTER goes to t_local ON CLUSTER, and to t as well when it changes
//    columns (a Distributed table must keep the columns of its local table);
//  - row policies go to t and t_local, ON CLUSTER;
//  - schema_migrations is one replicated table on every node, filled with the
//    versions rendered, so the apps' own start-up migration finds them all
//    applied and runs nothing.
//
// How: each statement is read by ClickHouse's own parser (through the
// embedded engine): `formatQuery` gives its canonical text and `EXPLAIN AST`
// its tree, which decides what the statement is (kind, table, engine,
// columns, ALTER commands, tables a view reads). The rewrite itself is done on
// the canonical text, whose shape formatQuery fixes (the name on the first
// line, `ENGINE = …` and `ORDER BY …` on lines of their own); any other shape
// is refused with MIGRATION_INVALID rather than guessed at. The test parses
// every rendered statement again (cluster-render.int.spec.ts).
import type { AstNode } from '../../sql/ast-dump.ts';
import { walk } from '../../sql/ast-dump.ts';
import { StoreError } from '../../errors.ts';
import type { Migration } from '../load-migrations.ts';
import { SCHEMA_MIGRATIONS_DDL } from '../migrate.ts';

/** ClickHouse's parser, as the renderer uses it. */
export interface SqlParser {
  /** formatQuery: the canonical text of one statement. */
  format(sql: string): Promise<string>;
  /** EXPLAIN AST of one statement. */
  ast(sql: string): Promise<AstNode>;
}

export interface ClusterRenderOptions {
  /** The cluster's name in the servers' remote_servers configuration. */
  readonly cluster: string;
  readonly database: string;
}

export interface RenderedStatement {
  /** The migration file it comes from; '' for the preamble and the schema_migrations record. */
  readonly file: string;
  readonly sql: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const REPLICA_PATH = "'/clickhouse/tables/{shard}/{database}/{table}', '{replica}'";
/** schema_migrations: one replica set over every node of the cluster (no {shard}), so every node reads the same record. */
const EVERY_NODE_PATH = "'/clickhouse/tables/all/{database}/{table}', '{replica}'";
/** ALTER commands that change columns, which the Distributed table must follow. */
const COLUMN_COMMANDS = new Set(['ADD_COLUMN', 'DROP_COLUMN', 'MODIFY_COLUMN', 'COMMENT_COLUMN', 'RENAME_COLUMN']);

export const localTable = (table: string) => `${table}_local`;

function invalid(where: string, why: string): StoreError {
  return new StoreError('MIGRATION_INVALID', `cannot render ${where} for a cluster: ${why}`, false);
}

export async function renderForCluster(migrations: readonly Migration[], o: ClusterRenderOptions, parser: SqlParser): Promise<RenderedStatement[]> {
  if (!IDENTIFIER.test(o.cluster)) throw invalid('the migrations', `cluster name ${JSON.stringify(o.cluster)} is not an identifier`);
  if (!IDENTIFIER.test(o.database)) throw invalid('the migrations', `database name ${JSON.stringify(o.database)} is not an identifier`);
  const onCluster = `ON CLUSTER ${o.cluster}`;
  /** Tables created so far (each has a _local twin); views are not in it. */
  const tables = new Set<string>();
  /** Row policies (their text after the table name) on tables a later migration creates: their local form follows that CREATE. */
  const policiesAhead = new Map<string, string[]>();
  const out: RenderedStatement[] = [
    { file: '', sql: `CREATE DATABASE IF NOT EXISTS ${o.database} ${onCluster}` },
    { file: '', sql: `USE ${o.database}` },
  ];
  const ledger = await parser.format(SCHEMA_MIGRATIONS_DDL);
  out.push({ file: '', sql: replicated(ledger, 'schema_migrations', 'schema_migrations', onCluster, EVERY_NODE_PATH, 'schema_migrations') });

  for (const m of migrations) {
    for (const [i, statement] of m.statements.entries()) {
      const where = `${m.file}, statement ${i + 1}`;
      const text = await parser.format(statement);
      const ast = await parser.ast(text);
      const [first = '', ...rest] = text.split('\n');
      const body = rest.length > 0 ? `\n${rest.join('\n')}` : '';
      const emit = (sql: string) => out.push({ file: m.file, sql });
      if (ast.kind === 'CreateQuery' && first === `CREATE TABLE IF NOT EXISTS ${ast.detail}`) {
        const table = ast.detail;
        emit(replicated(text, table, localTable(table), onCluster, REPLICA_PATH, where));
        emit(`CREATE TABLE IF NOT EXISTS ${table} ${onCluster} AS ${localTable(table)}\nENGINE = Distributed(${o.cluster}, currentDatabase(), ${localTable(table)}, ${shardKey(text, ast, where)})`);
        tables.add(table);
        for (const policy of policiesAhead.get(table) ?? []) emit(policy.replace(' ON <table>', ` ON ${localTable(table)}`));
        policiesAhead.delete(table);
      } else if (ast.kind === 'CreateQuery' && first.startsWith('CREATE MATERIALIZED VIEW IF NOT EXISTS ')) {
        const m2 = /^CREATE MATERIALIZED VIEW IF NOT EXISTS (\w+) TO (\w+)$/.exec(first);
        if (!m2 || m2[1] !== ast.detail) throw invalid(where, 'a materialized view must write TO a table of these migrations');
        const target = m2[2]!;
        if (!tables.has(target)) throw invalid(where, `the view writes to ${target}, which no earlier migration creates`);
        let rewritten = body;
        for (const node of walk(ast)) {
          if (node.kind !== 'TableIdentifier') continue;
          if (!tables.has(node.detail)) throw invalid(where, `the view reads ${node.detail}, which no earlier migration creates`);
          rewritten = rewritten.replace(new RegExp(`\\b(FROM|JOIN) ${node.detail}\\b`, 'g'), `$1 ${localTable(node.detail)}`);
        }
        emit(`CREATE MATERIALIZED VIEW IF NOT EXISTS ${ast.detail} ${onCluster} TO ${localTable(target)}${rewritten}`);
      } else if (ast.kind === 'CREATE' && ast.detail.startsWith('ROW POLICY') && first.startsWith('CREATE ROW POLICY ')) {
        const p = /^CREATE ROW POLICY ((?:OR REPLACE |IF NOT EXISTS )?\w+) ON (\w+)( .*)$/.exec(first);
        if (!p || rest.length > 0) throw invalid(where, 'a row policy must read CREATE ROW POLICY [OR REPLACE] name ON table …');
        const [, head, table, tail] = p;
        emit(`CREATE ROW POLICY ${head} ${onCluster} ON ${table}${tail}`);
        if (tables.has(table!)) emit(`CREATE ROW POLICY ${head} ${onCluster} ON ${localTable(table!)}${tail}`);
        else policiesAhead.set(table!, [...(policiesAhead.get(table!) ?? []), `CREATE ROW POLICY ${head} ${onCluster} ON <table>${tail}`]);
      } else if (ast.kind === 'AlterQuery' && /^[ \n]/.test(text.slice(`ALTER TABLE ${ast.detail}`.length)) && text.startsWith(`ALTER TABLE ${ast.detail}`)) {
        const table = ast.detail;
        const commandsText = text.slice(`ALTER TABLE ${table}`.length);
        if (!tables.has(table)) throw invalid(where, `ALTER of ${table}, which no earlier migration creates`);
        const commands = [...walk(ast)].filter((n) => n.kind === 'AlterCommand').map((n) => n.detail);
        const columns = commands.filter((c) => COLUMN_COMMANDS.has(c)).length;
        if (columns > 0 && columns < commands.length) throw invalid(where, 'an ALTER that mixes column and other commands; split it in two statements');
        emit(`ALTER TABLE ${localTable(table)} ${onCluster}${commandsText}`);
        if (columns > 0) emit(`ALTER TABLE ${table} ${onCluster}${commandsText}`);
      } else if (ast.kind === 'DropQuery' && first === `DROP TABLE IF EXISTS ${ast.detail}` && rest.length === 0) {
        emit(`DROP TABLE IF EXISTS ${ast.detail} ${onCluster} SYNC`);
        if (tables.delete(ast.detail)) emit(`DROP TABLE IF EXISTS ${localTable(ast.detail)} ${onCluster} SYNC`);
      } else {
        throw invalid(where, `no cluster form for this statement (${ast.kind}: ${first})`);
      }
    }
  }
  out.push({ file: '', sql: recordVersions(migrations) });
  return out;
}

/** The CREATE TABLE text of `table` renamed to `as`, ON CLUSTER, on the Replicated twin of its engine. */
function replicated(text: string, table: string, as: string, onCluster: string, path: string, where: string): string {
  const lines = text.split('\n');
  if (lines[0] !== `CREATE TABLE IF NOT EXISTS ${table}`) throw invalid(where, `unexpected first line ${JSON.stringify(lines[0])}`);
  lines[0] = `CREATE TABLE IF NOT EXISTS ${as} ${onCluster}`;
  const engines = lines.flatMap((line, i) => (line.startsWith('ENGINE = ') ? [i] : []));
  if (engines.length !== 1) throw invalid(where, 'the statement has no single ENGINE line');
  const e = /^ENGINE = (\w*MergeTree)(?:\((.*)\))?$/.exec(lines[engines[0]!]!);
  if (!e || e[1]!.startsWith('Replicated')) throw invalid(where, `engine ${lines[engines[0]!]} has no Replicated form here (a *MergeTree is expected)`);
  lines[engines[0]!] = `ENGINE = Replicated${e[1]}(${path}${e[2] ? `, ${e[2]}` : ''})`;
  return lines.join('\n');
}

/** cityHash64(org) for a table with an org column, else of its whole sort key. */
function shardKey(text: string, ast: AstNode, where: string): string {
  const columns = [...walk(ast)].filter((n) => n.kind === 'ColumnDeclaration').map((n) => n.detail);
  if (columns.includes('org')) return 'cityHash64(org)';
  const order = text.split('\n').find((l) => l.startsWith('ORDER BY '));
  if (!order) throw invalid(where, 'a table without org and without ORDER BY has no shard key');
  const key = order.slice('ORDER BY '.length);
  return `cityHash64(${key.startsWith('(') && key.endsWith(')') ? key.slice(1, -1) : key})`;
}

/** Every rendered version, recorded as the single-node runner records them (skipped: none, a cluster is servers). */
function recordVersions(migrations: readonly Migration[]): string {
  const rows = migrations.map((m) => `(${m.version}, '${m.name}', '${m.checksum}', 0)`);
  return `INSERT INTO schema_migrations (version, name, checksum, skipped) VALUES\n${rows.join(',\n')}`;
}
