// Analysts' SQL on the embedded engine: one statement, checked on the tree
// ClickHouse's parser builds, run in a session of its own that is read-only
// (readonly=2), bounded (analyst-settings.ts) and, for a key limited to some
// orgs, filtered by org by the engine itself.
//
// Why a session per query: chdb's session keeps what SET, USE and the
// settings clause of its statements changed, and the store's session is
// shared by the workers. A fresh session on the same data directory (chdb
// lets several share the engine) starts clean, is made read-only before the
// analyst's statement runs, and is closed after it: nothing an analyst query
// sets reaches ingest or the next analyst. Opening one costs ~4 ms (20 in
// 89 ms here).
//
// Why `additional_table_filters` for org scoping: chdb's only user is
// `default`, without the grant to CREATE ROW POLICY, so row policies are not
// available in the embedded engine. The setting makes the engine add
// `org IN (…)` to every read of the named tables, wherever they appear in the
// query (subqueries, joins, views, FINAL), and the analyst cannot change it
// (a SETTINGS clause is refused, URL settings come from an allow-list).
//
// Why a query can be stopped: a chdb call cannot be interrupted from the
// thread that made it, but the engine's process list is shared by every
// session, so `KILL QUERY` from another session cancels a running query the
// way it does on a server (it ends within a fraction of a second with
// QUERY_WAS_CANCELLED; see cancelTagged). Each analyst query carries a tag of
// ours in log_comment (the analyst cannot set it) that the KILL selects on.
import { Session } from 'chdb';
import type { Store } from '../create-store.ts';
import { acquireEmbeddedEngine, type EmbeddedLease } from '../embedded-engine.ts';
import { parseAstDump } from './ast-dump.ts';
import { isAnalystTag, newAnalystTag, readAnalystProgress, type AnalystProgress } from './analyst-progress.ts';
import { AnalystSqlError, fromEngineError, refusal } from './analyst-sql-error.ts';
import { checkRequestSettings, limitStatements, type AnalystLimits } from './analyst-settings.ts';
import { checkStatement, type StatementScope } from './statement-policy.ts';

export interface AnalystQuery {
  /** The SQL as the client sent it (URL `query` and body joined). */
  readonly sql: string;
  /** `param_<name>` values, by name. */
  readonly params: Readonly<Record<string, string>>;
  /** Settings the request carries (URL parameters that are not ours). */
  readonly settings: Readonly<Record<string, string>>;
  /** The format when the statement has no FORMAT clause. */
  readonly defaultFormat: string;
  /** The orgs whose rows the query may see, or `*` for all. */
  readonly orgs: readonly string[] | '*';
  /** The query's tag (newAnalystTag), for progress() while it runs; a new one when absent. */
  readonly tag?: string;
}

export interface AnalystResult {
  readonly body: Uint8Array;
  /** The format the body is in. */
  readonly format: string;
  readonly rowsRead: number;
  readonly bytesRead: number;
  readonly elapsedMs: number;
}

export interface AnalystSql {
  /** The engine's version, for error texts and the `X-ClickHouse-Server-Display-Name` header. */
  readonly version: string;
  readonly database: string;
  /**
   * Runs one analyst statement; throws AnalystSqlError with ClickHouse's code
   * when refused or failed. When `signal` aborts (the client went away) the
   * engine stops the query and this settles with QUERY_WAS_CANCELLED once it
   * has: the caller's concurrency slot then frees when the engine's work does.
   */
  run(query: AnalystQuery, signal?: AbortSignal): Promise<AnalystResult>;
  /** How far the query run with this tag has got; undefined while it is queued or once it is over. */
  progress(tag: string): Promise<AnalystProgress | undefined>;
  close(): Promise<void>;
}

/** Org ids as API keys allow them (no quote can occur: safe inside the filter's literal). */
const ORG_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

export async function openAnalystSql(store: Store, limits: AnalystLimits): Promise<AnalystSql> {
  if (store.kind !== 'embedded') {
    throw refusal('QUERY_IS_PROHIBITED', 'the analyst SQL endpoint serves the embedded engine; with a ClickHouse server, analysts use its own analyst user');
  }
  const lease: EmbeddedLease = acquireEmbeddedEngine(store.location);
  const database = store.database;
  const limitSql = limitStatements(limits);
  const probe = new Session(lease.path);
  let version: string;
  let tableFunctions: Set<string>;
  try {
    version = (await probe.queryAsync('SELECT version()', { format: 'TSVRaw' })).text().trim();
    tableFunctions = new Set(lines(await probe.queryAsync('SELECT lower(name) FROM system.table_functions', { format: 'TSVRaw' })));
  } finally {
    probe.close();
  }

  async function scopeFor(session: Session, orgLimited: boolean): Promise<StatementScope> {
    const tables = await session.queryBindAsync(
      `SELECT name, toUInt8(engine NOT IN ('MaterializedView', 'View') AND name IN (SELECT table FROM system.columns WHERE database = {db:String} AND name = 'org'))
       FROM system.tables WHERE database = {db:String}`,
      { db: database },
      { format: 'TSVRaw' },
    );
    const orgTables = new Set<string>();
    const otherTables = new Set<string>();
    for (const line of lines(tables)) {
      const [name, scoped] = line.split('\t');
      (scoped === '1' ? orgTables : otherTables).add(name!);
    }
    const databases = new Set(lines(await session.queryAsync('SELECT lower(name) FROM system.databases', { format: 'TSVRaw' })));
    return { database, orgTables, otherTables, databases, tableFunctions, orgLimited };
  }

  return {
    version,
    database,
    async run(q, signal) {
      const orgLimited = q.orgs !== '*';
      if (orgLimited && (q.orgs as readonly string[]).some((o) => !ORG_ID.test(o))) throw refusal('ACCESS_DENIED', 'invalid org id in the key');
      for (const name of Object.keys(q.params)) {
        if (!PARAM_NAME.test(name) || name.startsWith('mcpg_')) throw refusal('QUERY_IS_PROHIBITED', `query parameter name ${JSON.stringify(name)} is not allowed`);
      }
      const settings = checkRequestSettings(q.settings, limits);
      // A random UUID: safe as a literal (see cancelTagged for why it is one).
      const tag = q.tag ?? newAnalystTag();
      if (!isAnalystTag(tag)) throw new RangeError('not an analyst query tag');
      const session = new Session(lease.path);
      // The checks are short but queue behind other bound queries of the
      // process (chdb runs those one at a time): a client that left meanwhile
      // is not waited for (chdb skips a queued call whose signal aborted).
      const step = signal ? { format: 'TSVRaw', signal } : { format: 'TSVRaw' };
      const rethrow = (err: unknown): never => {
        if (signal?.aborted) throw cancelled();
        throw err instanceof AnalystSqlError ? err : fromEngineError(err);
      };
      try {
        // Read-only before anything the analyst wrote is parsed or run.
        await session.queryAsync(`SET log_comment = '${tag}'; SET readonly = 2; USE \`${database}\`; ${limitSql}`, { format: 'TSVRaw' }).catch(rethrow);
        const canonical = (await session.queryBindAsync('SELECT formatQuery({q:String})', { q: q.sql }, step).catch(rethrow)).text().replace(/\n$/, '');
        if (canonical.trim() === '') throw refusal('SYNTAX_ERROR', 'empty query');
        // The formatter printed one statement (it refuses several); its tree,
        // with the query's parameters substituted, is what gets checked.
        const ast = parseAstDump((await session.queryBindAsync(`EXPLAIN AST ${canonical}`, { ...q.params }, step).catch(rethrow)).text());
        if (!ast) throw refusal('SYNTAX_ERROR', 'the statement could not be read as one query');
        const scope = await scopeFor(session, orgLimited);
        const checked = checkStatement(ast, scope, canonical);
        const bind: Record<string, unknown> = { ...q.params };
        const sets: string[] = [];
        for (const [name, value] of Object.entries(settings)) {
          sets.push(`SET ${name} = {mcpg_set_${name}:String}`);
          bind[`mcpg_set_${name}`] = value;
        }
        if (orgLimited) {
          const inList = (q.orgs as readonly string[]).map((o) => `'${o}'`).join(', ');
          const filters: Record<string, string> = {};
          for (const table of scope.orgTables) filters[`${database}.${table}`] = `org IN (${inList})`;
          sets.push('SET additional_table_filters = {mcpg_filters:Map(String, String)}');
          bind.mcpg_filters = filters;
        }
        const prefix = sets.length > 0 ? `${sets.join(';\n')};\n` : '';
        const format = checked.format ?? q.defaultFormat;
        if (signal?.aborted) throw cancelled();
        const started = performance.now();
        // No signal here: chdb would settle early while the engine runs on.
        // The promise settles when the engine is done, cancelled or not.
        const running = session.queryBindAsync(prefix + canonical, bind, { format });
        const onAbort = () => void cancelTagged(lease.path, tag, running);
        signal?.addEventListener('abort', onAbort, { once: true });
        const result = await running.catch(rethrow).finally(() => signal?.removeEventListener('abort', onAbort));
        return { body: result.bytes(), format, rowsRead: result.rowsRead, bytesRead: result.bytesRead, elapsedMs: performance.now() - started };
      } finally {
        session.close();
      }
    },
    progress(tag) {
      return readAnalystProgress(lease.path, tag);
    },
    async close() {
      await lease.release();
    },
  };
}

function lines(result: { text(): string }): string[] {
  return result.text().split('\n').filter((l) => l !== '');
}

function cancelled(): AnalystSqlError {
  return refusal('QUERY_WAS_CANCELLED', 'Query was cancelled: the client closed the connection');
}

const KILL_RETRY_MS = 250;

/**
 * Stops the query tagged `tag` and keeps at it until `running` settles: the
 * KILL can come before the query is in the engine's process list (it may
 * still be queued behind other bound queries of the process), and then
 * matches nothing. The KILL is not a bound query on purpose: bound queries
 * run one at a time per process, so it would wait behind the query it is to
 * stop; the tag is ours (a UUID), never text from the request.
 */
async function cancelTagged(path: string, tag: string, running: Promise<unknown>): Promise<void> {
  let settled = false;
  const done = running.then(
    () => void (settled = true),
    () => void (settled = true),
  );
  const killer = new Session(path);
  try {
    while (!settled) {
      await killer.queryAsync(`KILL QUERY WHERE Settings['log_comment'] = '${tag}' ASYNC`, { format: 'TSVRaw' }).catch(() => undefined);
      await Promise.race([done, new Promise((r) => setTimeout(r, KILL_RETRY_MS))]);
    }
  } finally {
    killer.close();
  }
}
