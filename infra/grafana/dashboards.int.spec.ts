// The Grafana dashboards and provisioning: valid JSON and YAML, every panel on
// the provisioned datasource, and every metric and label their PromQL uses is
// one the fleet endpoint really serves — checked against a live scrape of the
// query API (in-process, over the embedded ClickHouse, the way Prometheus
// scrapes it: the path and parameters from infra/prometheus/prometheus.yml).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { FastifyInstance } from 'fastify';
import { buildApi } from '@mcpg/api';
import type { ToolCallEvent } from '@mcpg/events';
import { foldBatchTiers, type PositionedCall } from '@mcpg/rollup';
import { insertDayTotals, insertRollups, recordFlush, type Store } from '@mcpg/store';
import { createTestStore } from '@mcpg/store/testing';
import { labelsOf, metricNames, selectors, groupingLabels } from './promql-names.ts';

const here = new URL('.', import.meta.url).pathname;
const root = new URL('../..', import.meta.url).pathname;
const dashboardFiles = readdirSync(join(here, 'dashboards')).filter((f) => f.endsWith('.json'));

interface Target {
  expr?: string;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  targets?: Target[];
  gridPos: { x: number; y: number; w: number; h: number };
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; datasource?: { uid: string }; query: { query: string } | string }[] };
}

const dashboards = dashboardFiles.map((f) => ({ file: f, json: JSON.parse(readFileSync(join(here, 'dashboards', f), 'utf8')) as Dashboard }));
const allPanels = (d: Dashboard) => d.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
/** Every PromQL expression of a dashboard: panel targets and template variable queries. */
function expressions(d: Dashboard): { where: string; expr: string }[] {
  const out: { where: string; expr: string }[] = [];
  for (const p of allPanels(d)) for (const t of p.targets ?? []) if (t.expr) out.push({ where: `panel "${p.title}"`, expr: t.expr });
  for (const v of d.templating.list) {
    const q = typeof v.query === 'string' ? v.query : v.query.query;
    const m = /^label_values\((.*),\s*([A-Za-z_][A-Za-z0-9_]*)\)$/.exec(q);
    out.push({ where: `variable $${v.name}`, expr: m ? m[1]! : q });
  }
  return out;
}

const datasources = parse(readFileSync(join(here, 'provisioning/datasources/mcpg-prometheus.yml'), 'utf8')) as {
  datasources: { uid: string; type: string; url: string }[];
};
const DATASOURCE_UID = datasources.datasources[0]!.uid;

let store: Store;
let app: FastifyInstance;
/** Sample names of the scrape → label names seen on them. */
const exposed = new Map<string, Set<string>>();

before(async () => {
  store = await createTestStore();
  app = buildApi({ store, load: { cacheMaxAgeMs: 0 } });
  await app.ready();

  // What the rollup worker writes for some traffic, and what a worker flush records.
  const now = Date.now();
  const calls: PositionedCall[] = ['ok', 'error', 'timeout', 'ok', 'denied'].map((outcome, i) => ({
    partition: 0,
    offset: i,
    event: {
      event_id: `evt-${i}`,
      org: 'acme',
      workspace: 'prod',
      instance: 'gw-1',
      plugin: 'github',
      tool: i % 2 ? 'search' : 'create_issue',
      actor: 'agent:triage',
      source: 'mcp',
      started_at: now - 60_000,
      emitted_at: now - 59_000,
      duration_us: 1_000 * (i + 1),
      outcome: outcome as ToolCallEvent['outcome'],
      error_code: null,
      error_message: null,
      tokens_in: 10,
      tokens_out: 20,
      trace_id: null,
      span_id: null,
      policy_decision: 'permit',
      policy_rule_id: null,
    },
  }));
  const { minutes, days } = foldBatchTiers(calls);
  await Promise.all([insertRollups(store, minutes), insertDayTotals(store, days)]);
  await recordFlush(store, {
    consumer: 'rollup-worker',
    storedAt: now,
    partitions: [{ topic: 'mcpg.calls.v1', partition: 0, committedOffset: '5', highWatermark: '9', ingestLagMs: 1_200 }],
    deadLetters: [{ topic: 'mcpg.calls.v1', partition: 0, offset: '3', code: 'BAD_MAGIC', reason: 'not Avro single-object encoding' }],
  });

  // Scrape it the way the shipped Prometheus job does.
  const prom = parse(readFileSync(join(root, 'infra/prometheus/prometheus.yml'), 'utf8')) as {
    scrape_configs: { job_name: string; metrics_path: string; params?: Record<string, string[]> }[];
  };
  const job = prom.scrape_configs.find((j) => j.job_name === 'mcpg-fleet')!;
  const query = new URLSearchParams(Object.entries(job.params ?? {}).map(([k, v]): [string, string] => [k, v[0]!])).toString();
  const res = await app.inject({ method: 'GET', url: `${job.metrics_path.replace('/default/', '/acme/')}?${query}` });
  assert.equal(res.statusCode, 200, res.body);
  for (const line of res.body.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)![0];
    const labels = exposed.get(name) ?? new Set<string>();
    for (const m of line.slice(name.length).matchAll(/[{,]([a-zA-Z_][a-zA-Z0-9_]*)="/g)) labels.add(m[1]!);
    exposed.set(name, labels);
  }
});

after(async () => {
  await app?.close();
  await store?.close();
});

test('the datasource is Prometheus, by a fixed uid, with its URL from the environment', () => {
  assert.equal(datasources.datasources.length, 1);
  assert.equal(datasources.datasources[0]!.type, 'prometheus');
  assert.equal(datasources.datasources[0]!.url, '${PROMETHEUS_URL}');
  const providers = parse(readFileSync(join(here, 'provisioning/dashboards/mcpg.yml'), 'utf8')) as { providers: { type: string; options: { path: string } }[] };
  assert.equal(providers.providers[0]!.type, 'file');
  assert.equal(providers.providers[0]!.options.path, '/etc/grafana/dashboards/mcpg');
});

test('every dashboard is valid JSON with a uid, unique panel ids, panels on the grid and on the provisioned datasource', () => {
  assert.ok(dashboards.length >= 1);
  const uids = new Set<string>();
  for (const { file, json } of dashboards) {
    assert.match(json.uid, /^[a-z0-9-]{1,40}$/, file);
    assert.ok(!uids.has(json.uid), `${file}: duplicate uid`);
    uids.add(json.uid);
    const ids = allPanels(json).map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length, `${file}: duplicate panel id`);
    for (const p of allPanels(json)) {
      assert.ok(p.gridPos.x >= 0 && p.gridPos.w > 0 && p.gridPos.x + p.gridPos.w <= 24, `${file}: panel "${p.title}" is off the 24-column grid`);
      if (p.type === 'row') continue;
      assert.equal(p.datasource?.uid, DATASOURCE_UID, `${file}: panel "${p.title}" is not on the provisioned datasource`);
      assert.ok((p.targets ?? []).length > 0, `${file}: panel "${p.title}" has no query`);
    }
    for (const v of json.templating.list) assert.equal(v.datasource?.uid, DATASOURCE_UID, `${file}: variable ${v.name}`);
  }
});

test('every metric a dashboard queries is one the fleet endpoint exposes', () => {
  assert.ok(exposed.size > 0);
  for (const { file, json } of dashboards) {
    for (const { where, expr } of expressions(json)) {
      const names = metricNames(expr);
      assert.ok(names.length > 0, `${file} ${where}: no metric in ${expr}`);
      for (const name of names) assert.ok(exposed.has(name), `${file} ${where}: ${name} is not in the scrape (${[...exposed.keys()].join(', ')})`);
    }
  }
});

test('every label a dashboard filters or groups by is on the metrics it queries', () => {
  for (const { file, json } of dashboards) {
    for (const { where, expr } of expressions(json)) {
      for (const s of selectors(expr)) {
        for (const label of labelsOf(s.matchers)) {
          assert.ok(exposed.get(s.metric)?.has(label), `${file} ${where}: ${s.metric} has no label ${label}`);
        }
      }
      const onSome = new Set(metricNames(expr).flatMap((n) => [...(exposed.get(n) ?? [])]));
      for (const label of groupingLabels(expr)) assert.ok(onSome.has(label), `${file} ${where}: grouped by ${label}, which none of its metrics has`);
    }
    // Variables name a label of their metric.
    for (const v of json.templating.list) {
      const q = typeof v.query === 'string' ? v.query : v.query.query;
      const m = /^label_values\(([a-zA-Z_:][a-zA-Z0-9_:]*).*,\s*([A-Za-z_][A-Za-z0-9_]*)\)$/.exec(q);
      if (m) assert.ok(exposed.get(m[1]!)?.has(m[2]!), `${file} variable $${v.name}: ${m[1]} has no label ${m[2]}`);
    }
  }
});

test('the fleet dashboard covers calls, errors, latency p50/p99, tokens in/out and the pipeline', () => {
  const fleet = dashboards.find((d) => d.json.uid === 'mcpg-fleet');
  assert.ok(fleet, 'mcpg-fleet.json');
  const all = expressions(fleet.json).map((e) => e.expr).join('\n');
  for (const needle of [
    'mcpg_tool_calls_total',
    'mcpg_tool_errors_total',
    'mcpg_tool_latency_seconds{quantile="0.5"',
    'mcpg_tool_latency_seconds{quantile="0.99"',
    'sum by (direction) (rate(mcpg_tool_tokens_total',
    'mcpg_pipeline_ingest_lag_seconds',
    'mcpg_pipeline_partition_backlog_messages',
    'mcpg_pipeline_dead_letters_total',
    'mcpg_rejected_events_total',
  ]) {
    assert.ok(all.includes(needle), `no query uses ${needle}`);
  }
});
