// A refused or failed analyst query, carrying the ClickHouse exception code and
// name a ClickHouse server would answer with, so SQL clients show it as they
// show any server error.
import { StoreError } from '../errors.ts';

/** ClickHouse's own codes for the refusals the analyst endpoint makes. */
export const CLICKHOUSE_CODES = {
  SYNTAX_ERROR: 62,
  UNKNOWN_TABLE: 60,
  UNKNOWN_DATABASE: 81,
  READONLY: 164,
  TOO_MANY_SIMULTANEOUS_QUERIES: 202,
  QUERY_IS_PROHIBITED: 392,
  QUERY_WAS_CANCELLED: 394,
  ACCESS_DENIED: 497,
  AUTHENTICATION_FAILED: 516,
} as const;
export type ClickHouseCodeName = keyof typeof CLICKHOUSE_CODES;

export class AnalystSqlError extends StoreError {
  constructor(
    /** ClickHouse exception code (e.g. 164). */
    readonly exceptionCode: number,
    /** ClickHouse exception name (e.g. READONLY). */
    readonly exceptionName: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('SQL_REFUSED', message, false, options);
    this.name = 'AnalystSqlError';
  }

  /** The body a ClickHouse server sends for an exception. */
  toClickHouseText(version: string): string {
    return `Code: ${this.exceptionCode}. DB::Exception: ${this.message}. (${this.exceptionName}) (version ${version})\n`;
  }
}

export function refusal(name: ClickHouseCodeName, message: string): AnalystSqlError {
  return new AnalystSqlError(CLICKHOUSE_CODES[name], name, message);
}

const ENGINE_ERROR = /^Code: (\d+)\. DB::Exception: ([\s\S]*?)(?:\. )?\(([A-Z_0-9]+)\)(?: \(version [^)]*\))?\.?\s*$/;

/** An error the engine raised, with its own code and name (read from chdb's `Code: N. DB::Exception: … (NAME)` text). */
export function fromEngineError(err: unknown): AnalystSqlError {
  const e = err as { message?: unknown; code?: unknown; type?: unknown; cause?: unknown } | null;
  const raw = e?.cause instanceof Error ? e.cause.message : typeof e?.message === 'string' ? e.message : String(err);
  const m = ENGINE_ERROR.exec(raw.trim());
  if (m) return new AnalystSqlError(Number(m[1]), m[3]!, m[2]!.trim(), { cause: err });
  const code = typeof e?.code === 'string' && /^\d+$/.test(e.code) ? Number(e.code) : 1001;
  const name = typeof e?.type === 'string' ? e.type : 'STD_EXCEPTION';
  const text = typeof e?.message === 'string' ? e.message : String(err);
  return new AnalystSqlError(code, name, text, { cause: err });
}
