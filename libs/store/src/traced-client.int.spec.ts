import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startTracing, type Tracing } from '@mcpg/telemetry';
import { createTestStore } from './testing.ts';
import { insertRowBinaryEmbedded } from './ledger/encoded-insert.ts';
import { RowBinaryWriter } from './ledger/row-binary.ts';
import type { Store } from './create-store.ts';

const exporter = new InMemorySpanExporter();
let store: Store;
let tracing: Tracing;

before(async () => {
  tracing = startTracing({ serviceName: 'test', spanProcessors: [new SimpleSpanProcessor(exporter)] });
  store = await createTestStore();
});
after(async () => {
  await store?.close();
  await tracing?.shutdown();
});

test('ClickHouse calls under a span are CLIENT spans with database names and no statement text', async () => {
  const tracer = trace.getTracer('test');
  await tracer.startActiveSpan('route', async (parent) => {
    await store.client.command({ query: 'CREATE TABLE IF NOT EXISTS traced_t (id UInt32, secret String) ENGINE = MergeTree ORDER BY id' });
    await store.client.insert({ table: 'traced_t', values: [{ id: 1, secret: 'row-value-42' }], format: 'JSONEachRow' });
    await (await store.client.query({ query: "-- a comment\nSELECT count() FROM traced_t WHERE secret = 'row-value-42'", format: 'JSON' })).json();
    await assert.rejects(store.client.query({ query: 'SELECT * FROM no_such_table' }));
    parent.end();
  });
  const spans = exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.CLIENT);
  assert.deepEqual(spans.map((s) => s.name), ['CREATE', 'INSERT traced_t', 'SELECT', 'SELECT']);
  const route = exporter.getFinishedSpans().find((s) => s.name === 'route')!;
  for (const s of spans) {
    assert.equal(s.parentSpanContext?.spanId, route.spanContext().spanId);
    assert.equal(s.attributes['db.system.name'], 'clickhouse');
    assert.equal(s.attributes['db.namespace'], store.database);
  }
  assert.equal(spans[1]!.attributes['db.collection.name'], 'traced_t');
  assert.equal(spans[1]!.attributes['db.operation.name'], 'INSERT');
  assert.equal(spans[3]!.status.code, SpanStatusCode.ERROR);
  assert.ok(!JSON.stringify(spans.map((s) => s.attributes)).includes('row-value-42'), 'no values in spans');
});

test("an insert sent as a statement (the workers' RowBinary file inserts) names its table too", async () => {
  exporter.reset();
  const body = new RowBinaryWriter(64).encode((w) => {
    w.uint32(2);
    w.string('row-value-43');
  });
  await trace.getTracer('test').startActiveSpan('write', async (parent) => {
    await insertRowBinaryEmbedded(store, 'traced_t', ['id', 'secret'], body);
    parent.end();
  });
  const [insert] = exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.CLIENT);
  assert.equal(insert?.name, 'INSERT traced_t');
  assert.equal(insert.attributes['db.operation.name'], 'INSERT');
  assert.equal(insert.attributes['db.collection.name'], 'traced_t');
  assert.ok(!JSON.stringify(insert.attributes).includes('ledger-inserts'), 'no file path in the span');
});

test('without a recording span, no ClickHouse span (no orphan roots)', async () => {
  exporter.reset();
  await store.client.query({ query: 'SELECT 1' });
  assert.equal(exporter.getFinishedSpans().length, 0);
});
