// Seeds audit_log (and tool_rollups_1m) with realistic rows generated inside
// the engine (numbers() + SQL), for bench/audit-search.ts.
//
// audit_log: rows spread evenly over the last 30 days; 70% in org `acme`, the
// rest in three other orgs. Actions, resources, actors and outcomes follow
// skewed mixes; arguments are JSON with common words and a `ref` token that
// occurs ~50 times in 10M rows (the "rare word"); errors are masked
// messages. Leaf hashes are real (canonicalLeafSql: search pages check every
// row they serve against its leaf hash); prev_hash is fake hex, and seqs are
// numbered across orgs, so the rows do not form chains a verifier accepts.
import type { Store } from '@mcpg/store';

const DAY_MS = 86_400_000;

// The canonical row encoding of libs/ledger (README.md, version 1) in SQL, so
// the engine computes real leaf hashes as it generates rows.
const uvarint = (n: string) =>
  `if(${n} < 128, char(${n}), if(${n} < 16384, char(bitOr(${n} % 128, 128), intDiv(${n}, 128)), ` +
  `char(bitOr(${n} % 128, 128), bitOr(intDiv(${n}, 128) % 128, 128), intDiv(${n}, 16384))))`;
const str = (col: string) => `${uvarint(`length(${col})`)}, ${col}`;
const optStr = (col: string) => `if(isNull(${col}), char(0), concat(char(1), ${uvarint(`length(assumeNotNull(${col}))`)}, assumeNotNull(${col})))`;
const int64 = (expr: string) => `unhex(leftPad(hex(reinterpretAsUInt64(toInt64(${expr}))), 16, '0'))`;
const LEAF_SQL =
  `lower(hex(SHA256(concat(char(0, 1), unhex(leftPad(hex(toUInt64(seq)), 16, '0')), ${str('org')}, ${str('event_id')}, ${str('workspace')}, ` +
  `${str('instance')}, ${int64('toUnixTimestamp64Milli(occurred_at)')}, ${str('action')}, ${str('actor')}, ${str('resource')}, ` +
  `${str('decision')}, ${str('outcome')}, if(isNull(latency_us), char(0), concat(char(1), ${int64('assumeNotNull(latency_us)')})), ` +
  `${optStr('arguments')}, ${optStr('response')}, ${optStr('error')}, ${optStr('trace_id')}))))`;

const AUDIT_SQL = `
INSERT INTO audit_log
SELECT
  org, seq, event_id, workspace, instance, occurred_at, action, actor, resource, decision, outcome,
  latency_us, arguments, response, error, trace_id, ${LEAF_SQL} AS leaf_hash, prev_hash, source_partition, source_offset
FROM (
  SELECT
    number AS n,
    cityHash64(n, 1) AS h,
    ['acme', 'acme', 'acme', 'acme', 'acme', 'acme', 'acme', 'globex', 'initech', 'umbrella'][n % 10 + 1] AS org,
    n AS seq,
    concat('evt-', hex(cityHash64(n, 2))) AS event_id,
    ['prod', 'prod', 'prod', 'staging', 'dev'][h % 5 + 1] AS workspace,
    concat('gw-', toString(intDiv(h, 7) % 6)) AS instance,
    fromUnixTimestamp64Milli(toInt64({t0:Int64} + intDiv(n * {span:Int64}, {total:Int64})), 'UTC') AS occurred_at,
    multiIf(h % 100 < 80, 'tool.call', h % 100 < 85, 'policy.deny', h % 100 < 90, 'sandbox.exec', h % 100 < 95, 'skill.invoke',
            h % 100 < 98, 'plugin.crashed', 'operator.config_change') AS action,
    concat(['alice', 'bob', 'carol', 'dave', 'erin', 'agent-ci', 'agent-triage', 'svc-deploy'][intDiv(h, 11) % 8 + 1],
           '-', toString(intDiv(h, 13) % 50)) AS actor,
    ['github', 'github', 'github', 'slack', 'slack', 'jira', 'postgres', 'filesystem', 'linear', 'sentry'][intDiv(h, 17) % 10 + 1] AS server,
    ['create_pr', 'search', 'search', 'get_issue', 'list_files', 'send_message', 'query', 'read_file', 'update_ticket', 'comment'][intDiv(h, 19) % 10 + 1] AS tool,
    concat(server, '__', tool) AS resource,
    if(action = 'policy.deny', 'deny', if(h % 3 = 0, 'permit_with_obligations', 'permit')) AS decision,
    multiIf(action = 'policy.deny', 'denied', intDiv(h, 23) % 100 < 90, 'ok', intDiv(h, 23) % 100 < 96, 'error', intDiv(h, 23) % 100 < 99, 'timeout', 'cancelled') AS outcome,
    if(action IN ('tool.call', 'sandbox.exec', 'skill.invoke'), toInt64(500 + intDiv(h, 29) % 2000000), NULL) AS latency_us,
    ['fix', 'flaky', 'login', 'timeout', 'billing', 'invoice', 'deploy', 'rollback', 'migration', 'customer', 'report', 'quarterly',
     'security', 'token', 'refund', 'onboarding', 'export', 'latency', 'dashboard', 'release'] AS words,
    concat('{"query":"', words[intDiv(h, 31) % 20 + 1], ' ', words[intDiv(h, 37) % 20 + 1], ' ', words[intDiv(h, 41) % 20 + 1],
           '","repo":"acme/', ['api', 'web', 'infra', 'mobile'][intDiv(h, 43) % 4 + 1],
           '","ref":"ref', toString(cityHash64(n, 3) % 200000), '","api_key":"[REDACTED:api_key]"}') AS arguments,
    if(outcome = 'ok', concat('returned ', toString(intDiv(h, 47) % 50), ' results for ', words[intDiv(h, 53) % 20 + 1]), NULL) AS response,
    multiIf(outcome = 'error', ['rate_limit_exceeded: retry after 60s', 'upstream returned 502 Bad Gateway', 'permission denied for repository',
                                'invalid argument: query too long', 'connection reset by peer'][intDiv(h, 59) % 5 + 1],
            outcome = 'timeout', 'deadline exceeded after 30000 ms',
            outcome = 'denied', concat('policy rule ', toString(intDiv(h, 61) % 12), ' denies ', resource), NULL) AS error,
    lower(hex(sipHash128(n))) AS trace_id,
    lower(hex(SHA256(toString(n + 1)))) AS prev_hash,
    toUInt16(n % 10) AS source_partition,
    n AS source_offset
  FROM numbers({start:UInt64}, {count:UInt64})
)`;

/** Inserts `total` audit rows in chunks; returns the time the rows start at (epoch ms). */
export async function seedAuditLog(store: Store, total: number, nowMs: number, onChunk?: (done: number) => void): Promise<void> {
  const chunk = 1_000_000;
  const t0 = nowMs - 30 * DAY_MS;
  for (let start = 0; start < total; start += chunk) {
    const count = Math.min(chunk, total - start);
    await store.client.command({
      query: AUDIT_SQL,
      query_params: { t0, span: 30 * DAY_MS - 60_000, total, start, count },
    });
    onChunk?.(start + count);
  }
}

const ROLLUP_SQL = `
INSERT INTO tool_rollups_1m (org, workspace, plugin, tool, minute, source_partition, chunk_start, last_offset, calls, errors,
  outcome_ok, outcome_error, outcome_denied, outcome_timeout, outcome_cancelled, tokens_in, tokens_out, duration_us_sum,
  latency_min_ms, latency_max_ms, latency_means, latency_weights)
SELECT 'acme', ['prod', 'staging', 'dev'][n % 3 + 1], ['github', 'slack', 'jira', 'postgres', 'filesystem', 'linear', 'sentry', 'notion'][intDiv(n, 3) % 8 + 1],
       ['search', 'create_pr', 'get_issue', 'query', 'read_file'][intDiv(n, 24) % 5 + 1],
       toDateTime(intDiv({t0:Int64}, 60000) * 60 + intDiv(n, 120) * 60, 'UTC'), 0, 0, n, 10, 1, 9, 1, 0, 0, 0,
       100 + cityHash64(n) % 1000, 300 + cityHash64(n, 1) % 3000, 1000000, 1, 900, [5.0, 50.0], [5, 5]
FROM (SELECT number AS n FROM numbers({rows:UInt64}))`;

/** 120 label sets (3 workspaces × 8 servers × 5 tools) × every minute of 30 days: ~5.2M rollup rows. */
export async function seedRollups(store: Store, nowMs: number): Promise<number> {
  const minutes = 30 * 24 * 60;
  const rows = minutes * 120;
  await store.client.command({ query: ROLLUP_SQL, query_params: { t0: nowMs - 30 * DAY_MS, rows } });
  await seedDayTotals(store);
  await seedHourTotals(store);
  return rows;
}

/** The day totals the rollup worker writes beside the minute rows: their sums per label set and UTC day. */
export async function seedDayTotals(store: Store): Promise<void> {
  await store.client.command({
    query: `INSERT INTO tool_totals_1d (org, workspace, plugin, tool, day, source_partition, chunk_start, last_offset, calls, errors,
  outcome_ok, outcome_error, outcome_denied, outcome_timeout, outcome_cancelled, tokens_in, tokens_out, duration_us_sum)
SELECT org, workspace, plugin, tool, toDate(minute) AS day, source_partition, chunk_start, max(last_offset), sum(calls), sum(errors),
       sum(outcome_ok), sum(outcome_error), sum(outcome_denied), sum(outcome_timeout), sum(outcome_cancelled), sum(tokens_in), sum(tokens_out), sum(duration_us_sum)
FROM tool_rollups_1m FINAL
GROUP BY org, workspace, plugin, tool, day, source_partition, chunk_start`,
  });
}

/** The hour totals the rollup worker writes beside the minute rows: calls and tokens per label set and UTC hour. */
export async function seedHourTotals(store: Store): Promise<void> {
  await store.client.command({
    query: `INSERT INTO tool_totals_1h (org, workspace, plugin, tool, hour, source_partition, chunk_start, last_offset, calls, tokens_in, tokens_out)
SELECT org, workspace, plugin, tool, toStartOfHour(minute) AS hour, source_partition, chunk_start, max(last_offset), sum(calls), sum(tokens_in), sum(tokens_out)
FROM tool_rollups_1m FINAL
GROUP BY org, workspace, plugin, tool, hour, source_partition, chunk_start`,
  });
}
