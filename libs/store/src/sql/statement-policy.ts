// What an analyst's statement may do, decided on the tree ClickHouse's own
// parser built for it (see ast-dump.ts), never on the SQL text:
// - one statement that reads: SELECT (with WITH, UNION, INTERSECT, EXCEPT),
//   SHOW TABLES, SHOW COLUMNS, DESCRIBE, EXPLAIN of a statement that passes;
// - no INTO OUTFILE and no SETTINGS clause (settings come from the request,
//   from an allow-list);
// - no table function but a few that only generate numbers, and no function
//   that reads files or settings;
// - tables only from the mcpg database; for a key limited to some orgs, only
//   the tables the engine filters by org (see analyst-scope.ts).
// The engine session it runs in is read-only as well (readonly=2): this is
// the clear refusal, the session is the second wall.
import type { AstNode } from './ast-dump.ts';
import { walk } from './ast-dump.ts';
import { refusal } from './analyst-sql-error.ts';

export interface StatementScope {
  /** The mcpg database the query runs in. */
  readonly database: string;
  /** Tables of `database` the engine filters by org (they have an `org` column). */
  readonly orgTables: ReadonlySet<string>;
  /** Other tables of `database`: readable only by keys for every org. */
  readonly otherTables: ReadonlySet<string>;
  /** Every database of the engine (lowercase), to spot `db.table` in expressions. */
  readonly databases: ReadonlySet<string>;
  /** Every table function the engine knows (lowercase). */
  readonly tableFunctions: ReadonlySet<string>;
  /** True when the key reads only some orgs. */
  readonly orgLimited: boolean;
}

export interface CheckedStatement {
  /** The FORMAT clause's format, if the statement has one. */
  readonly format?: string;
}

const ROOTS = new Set(['SelectWithUnionQuery', 'SelectIntersectExceptQuery', 'ShowTables', 'ShowColumns', 'DescribeQuery', 'Explain']);
const QUERY_ROOTS = new Set(['SelectWithUnionQuery', 'SelectIntersectExceptQuery']);

/** Table functions that read nothing but what they generate. */
export const ALLOWED_TABLE_FUNCTIONS = new Set(['numbers', 'numbers_mt', 'zeros', 'zeros_mt', 'generate_series', 'generateseries', 'values', 'null']);

/** Scalar functions that reach outside the query: files, server and session settings. */
const DENIED_FUNCTIONS = new Set([
  'file',
  'getsetting',
  'getsettingordefault',
  'getserversetting',
  'getmergetreesetting',
  'getmacro',
  'currentprofiles',
  'enabledprofiles',
  'defaultprofiles',
  'filesystemavailable',
  'filesystemcapacity',
  'filesystemunreserved',
]);

const SYSTEM_DATABASES = new Set(['system', 'information_schema']);

/**
 * The parser folds SHOW TABLES, DATABASES, SETTINGS, MERGES, CLUSTERS, … into
 * one node (ShowTables) whose tree does not say which; ClickHouse's formatter
 * does, in the canonical text it printed for the statement.
 */
const SHOW_TABLES = /^SHOW TABLES( (NOT )?I?LIKE '(?:[^'\\]|\\.)*')?( LIMIT \d+)?$/;

export function checkStatement(root: AstNode, scope: StatementScope, canonical: string): CheckedStatement {
  if (root.kind === 'ShowTables' && !SHOW_TABLES.test(canonical.trim())) {
    throw refusal('READONLY', `only SHOW TABLES (of the mcpg database) may be shown here, not ${canonical.trim().split(/\s+/).slice(0, 2).join(' ')}`);
  }
  if (!ROOTS.has(root.kind)) {
    throw refusal('READONLY', `only SELECT, WITH, SHOW TABLES, SHOW COLUMNS, DESCRIBE and EXPLAIN may run here (this statement is ${root.kind}); the endpoint is read-only`);
  }
  let format: string | undefined;
  if (root.kind === 'Explain') {
    const inner = root.children[0];
    if (inner !== undefined && !ROOTS.has(inner.kind)) throw refusal('READONLY', `EXPLAIN of ${inner.kind}: only reading statements may be explained`);
  }
  if (QUERY_ROOTS.has(root.kind)) {
    for (const child of root.children.slice(1)) if (child.kind === 'Identifier') format = child.detail;
  }
  for (const node of walk(root)) checkNode(node, scope);
  return format === undefined ? {} : { format };
}

function checkNode(node: AstNode, scope: StatementScope): void {
  switch (node.kind) {
    case 'SelectWithUnionQuery':
      // After the statement's list come, in order, INTO OUTFILE (literals: the
      // file, its compression), FORMAT (an identifier) and SETTINGS. A read-only
      // session still writes an OUTFILE, so this refusal is the only wall.
      if (node.children.slice(1).some((c) => c.kind === 'Literal')) {
        throw refusal('QUERY_IS_PROHIBITED', 'INTO OUTFILE is not allowed: results come back over HTTP');
      }
      return;
    case 'Set':
      throw refusal('READONLY', 'a SETTINGS clause is not allowed in the query: pass allowed settings as URL parameters (see the endpoint\'s documentation)');
    case 'Function': {
      const name = node.detail.toLowerCase();
      if (DENIED_FUNCTIONS.has(name)) throw refusal('ACCESS_DENIED', `function ${node.detail} is not available here`);
      if (scope.tableFunctions.has(name) && !ALLOWED_TABLE_FUNCTIONS.has(name)) {
        throw refusal('ACCESS_DENIED', `table function ${node.detail} is not available here: only the mcpg tables and ${[...ALLOWED_TABLE_FUNCTIONS].filter((f) => !f.includes('_') || f === 'generate_series').join(', ')} may be read`);
      }
      return;
    }
    case 'TableIdentifier':
      checkTable(node.detail, scope);
      return;
    case 'Identifier':
      checkIdentifier(node.detail, scope);
      return;
    default:
      return;
  }
}

function checkTable(name: string, scope: StatementScope): void {
  const dot = name.indexOf('.');
  if (dot >= 0) {
    const db = name.slice(0, dot);
    const table = name.slice(dot + 1);
    if (db.toLowerCase() !== scope.database.toLowerCase() || !(scope.orgTables.has(table) || scope.otherTables.has(table))) {
      throw SYSTEM_DATABASES.has(db.toLowerCase())
        ? refusal('ACCESS_DENIED', `${name}: system tables are not available here; SHOW TABLES and DESCRIBE list the mcpg tables`)
        : refusal('ACCESS_DENIED', `${name}: only tables of database ${scope.database} may be read`);
    }
    checkOrgTable(table, scope);
    return;
  }
  // Unqualified: a table of the mcpg database (the session's current one) or a WITH name.
  checkOrgTable(name, scope);
}

function checkOrgTable(table: string, scope: StatementScope): void {
  if (scope.orgLimited && scope.otherTables.has(table)) {
    throw refusal('ACCESS_DENIED', `${table} is not scoped by org, and this key reads only some orgs`);
  }
}

/** `db.table` written as an expression (`x IN system.tables`) names a table too. */
function checkIdentifier(name: string, scope: StatementScope): void {
  const dot = name.indexOf('.');
  if (dot < 0) {
    checkOrgTable(name, scope);
    return;
  }
  const first = name.slice(0, dot).toLowerCase();
  if (first !== scope.database.toLowerCase() && scope.databases.has(first)) checkTable(name, scope);
  if (first === scope.database.toLowerCase()) checkTable(name, scope);
}
