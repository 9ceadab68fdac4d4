// The store's error catalog. Callers branch on `code` (or `retriable`), never
// on message text: a sink retries what is retriable and dead-letters the rest.
export const STORE_ERROR_CODES = [
  /** The configuration cannot work (bad database name, bad URL). */
  'INVALID_CONFIG',
  /** The ClickHouse server (or the embedded engine) did not answer. */
  'CLICKHOUSE_UNREACHABLE',
  /** The embedded engine is already bound to another data directory in this process. */
  'EMBEDDED_PATH_CONFLICT',
  /** The store was closed and cannot serve queries any more. */
  'STORE_CLOSED',
  /** ClickHouse answered with an error. */
  'QUERY_FAILED',
  /** A migration file is malformed: bad name, duplicate version, non-idempotent statement. */
  'MIGRATION_INVALID',
  /** An already-applied migration file was edited after it was applied. */
  'MIGRATION_CHECKSUM_MISMATCH',
  /** A migration statement failed on the engine. */
  'MIGRATION_FAILED',
  /** A row about to be served does not hash to the leaf hash its ledger row stores: the stored data was altered. */
  'LEDGER_MISMATCH',
  /** An analyst's SQL was refused (not read-only, outside its orgs, over a limit) or failed on the engine. */
  'SQL_REFUSED',
] as const;
export type StoreErrorCode = (typeof STORE_ERROR_CODES)[number];

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/**
 * ClickHouse error codes worth retrying: the same statement can succeed later
 * (load, merges catching up, a replica coming back). Anything else — syntax,
 * unknown table, type mismatch — fails the same way every time.
 */
const RETRIABLE_CLICKHOUSE_CODES = new Set([
  '159', // TIMEOUT_EXCEEDED
  '164', // READONLY (replica temporarily read-only)
  '202', // TOO_MANY_SIMULTANEOUS_QUERIES
  '209', // SOCKET_TIMEOUT
  '210', // NETWORK_ERROR
  '241', // MEMORY_LIMIT_EXCEEDED
  '242', // TABLE_IS_READ_ONLY
  '252', // TOO_MANY_PARTS
  '285', // TOO_FEW_LIVE_REPLICAS
  '319', // UNKNOWN_STATUS_OF_INSERT
  '425', // SYSTEM_ERROR
  '999', // KEEPER_EXCEPTION
]);

/** Socket-level failures: the server was not reached or the connection broke. */
const NETWORK_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'EHOSTUNREACH']);

/**
 * Wraps whatever the client threw into a StoreError, keeping the original as
 * `cause`. `what` says which operation failed, for the message.
 */
export function toStoreError(err: unknown, what: string): StoreError {
  if (err instanceof StoreError) return err;
  const e = err as { code?: unknown; type?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  if (code !== undefined && NETWORK_ERRNO.has(code)) {
    return new StoreError('CLICKHOUSE_UNREACHABLE', `${what}: ClickHouse unreachable (${code})`, true, { cause: err });
  }
  // The two checks below read message text only because these errors carry
  // no code: clickhouse-js's request timeout and chdb's closed connection.
  if (/^Timeout error/.test(message)) {
    return new StoreError('CLICKHOUSE_UNREACHABLE', `${what}: ClickHouse did not answer in time`, true, { cause: err });
  }
  if (message === 'ChdbConnection is closed') {
    return new StoreError('STORE_CLOSED', `${what}: the store is closed`, false, { cause: err });
  }
  const type = typeof e?.type === 'string' ? ` ${e.type}` : '';
  const retriable = code !== undefined && RETRIABLE_CLICKHOUSE_CODES.has(code);
  // The engine's first line says what is wrong; the full text stays in `cause`.
  const detail = (message.split('\n', 1)[0] ?? '').slice(0, 300);
  return new StoreError('QUERY_FAILED', `${what}: ClickHouse error${code ? ` ${code}` : ''}${type}: ${detail}`, retriable, {
    cause: err,
  });
}
