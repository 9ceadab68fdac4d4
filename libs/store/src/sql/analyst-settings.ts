// Which ClickHouse settings an analyst's request may carry (as URL
// parameters, the way ClickHouse's HTTP interface takes them), and the
// limits every analyst query runs under.
import { refusal } from './analyst-sql-error.ts';

export interface AnalystLimits {
  /** max_execution_time, seconds. */
  readonly maxExecutionSeconds: number;
  /** max_rows_to_read and max_bytes_to_read: what one query may scan. */
  readonly maxRowsToRead: number;
  readonly maxBytesToRead: number;
  /** max_result_rows and max_result_bytes: what one query may return (the result is held in memory). */
  readonly maxResultRows: number;
  readonly maxResultBytes: number;
  /** max_memory_usage per query, bytes. */
  readonly maxMemoryBytes: number;
}

/** Limit settings a request may lower but never raise or switch off. */
const LOWERABLE: Record<string, keyof AnalystLimits> = {
  max_execution_time: 'maxExecutionSeconds',
  max_rows_to_read: 'maxRowsToRead',
  max_bytes_to_read: 'maxBytesToRead',
  max_result_rows: 'maxResultRows',
  max_result_bytes: 'maxResultBytes',
  max_memory_usage: 'maxMemoryBytes',
};

/** Settings that only shape the output or the plan, passed to the engine as given. */
const FREE = new Set([
  'max_threads',
  'max_block_size',
  'extremes',
  'join_use_nulls',
  'session_timezone',
  'date_time_output_format',
  'output_format_json_quote_64bit_integers',
  'output_format_json_quote_64bit_floats',
  'output_format_json_quote_denormals',
  'output_format_json_quote_decimals',
  'output_format_json_named_tuples_as_objects',
  'output_format_pretty_max_rows',
  'output_format_pretty_color',
  'output_format_write_statistics',
  'output_format_csv_crlf_end_of_line',
  'format_csv_delimiter',
]);

/**
 * Parameters ClickHouse clients send for the HTTP layer itself (compression,
 * progress headers, sessions, what to wait for): accepted and ignored, as a
 * server without those features would. `readonly` 1 or 2 asks for what the
 * endpoint already is.
 */
const HTTP_LAYER = new Set([
  'wait_end_of_query',
  'send_progress_in_http_headers',
  'http_headers_progress_interval_ms',
  'http_send_progress_interval_ms',
  'enable_http_compression',
  'http_zlib_compression_level',
  'http_response_buffer_size',
  'buffer_size',
  'compress',
  'decompress',
  'session_id',
  'session_timeout',
  'session_check',
  'query_id',
  'quota_key',
  'client_protocol_version',
  'add_http_cors_header',
  'cancel_http_readonly_queries_on_client_close',
  'http_wait_end_of_query',
]);

/** The allowed settings of a request, checked; anything else is refused by name. */
export function checkRequestSettings(raw: Readonly<Record<string, string>>, limits: AnalystLimits): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (HTTP_LAYER.has(name)) continue;
    if (name === 'readonly') {
      if (value !== '1' && value !== '2') throw refusal('READONLY', `readonly=${value}: this endpoint is read-only and stays so`);
      continue;
    }
    const limit = LOWERABLE[name];
    if (limit !== undefined) {
      const n = Number(value);
      if (!/^\d+$/.test(value) || n === 0 || n > limits[limit]) {
        throw refusal('READONLY', `${name}=${value}: may only be lowered (1 to ${limits[limit]}); 0 would switch the limit off`);
      }
      out[name] = value;
      continue;
    }
    if (FREE.has(name)) {
      out[name] = value;
      continue;
    }
    throw refusal('READONLY', `setting ${name} cannot be changed here; allowed: ${[...Object.keys(LOWERABLE), ...FREE].join(', ')}`);
  }
  return out;
}

/** The engine settings every analyst query starts from (numbers from typed config: safe to write into SET). */
export function limitStatements(limits: AnalystLimits): string {
  return [
    `SET max_execution_time = ${int(limits.maxExecutionSeconds)}, timeout_overflow_mode = 'throw'`,
    `SET max_rows_to_read = ${int(limits.maxRowsToRead)}, max_bytes_to_read = ${int(limits.maxBytesToRead)}, read_overflow_mode = 'throw'`,
    `SET max_result_rows = ${int(limits.maxResultRows)}, max_result_bytes = ${int(limits.maxResultBytes)}, result_overflow_mode = 'throw'`,
    `SET max_memory_usage = ${int(limits.maxMemoryBytes)}`,
  ].join(';\n');
}

function int(n: number): string {
  if (!Number.isSafeInteger(n) || n <= 0) throw new RangeError(`analyst limit must be a positive integer, got ${n}`);
  return String(n);
}
