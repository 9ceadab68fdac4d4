// Schema evolution by Avro resolution: a reader decodes messages written with
// any schema version it was given, using defaults for fields the writer lacked
// and the enum default for symbols the reader lacks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AvroEventCodec } from './codec.ts';
import { EventError, toolCallCodec, type ToolCallEvent } from './index.ts';
import { readSchemaFile, registerSchemaDir, SCHEMA_DIR } from './schema-files.ts';
import { SchemaRegistry } from './schema-registry.ts';
import { CALL } from './fixtures/events.ts';

type CallV2 = Omit<ToolCallEvent, 'outcome'> & {
  outcome: ToolCallEvent['outcome'] | 'rate_limited';
  model: string | null;
  cost_micros: number;
};

const V1 = readSchemaFile('tool-call-event.avsc');
const V2 = JSON.parse(readFileSync(new URL('fixtures/tool-call-event.v2.avsc', import.meta.url), 'utf8')) as Record<string, unknown>;

/** A registry that knows both versions, as a reader deployed after the v2 rollout would. */
function bothVersions(): SchemaRegistry {
  const registry = new SchemaRegistry();
  registry.register(V1);
  registry.register(V2);
  return registry;
}

test('v2 reader reads v1 bytes: added fields take their defaults', () => {
  const v2 = new AvroEventCodec<CallV2>(V2, bothVersions());
  assert.notDeepEqual(v2.fingerprint, toolCallCodec.fingerprint);
  const v1Bytes = toolCallCodec.encode(CALL);
  assert.deepStrictEqual(v2.decode(v1Bytes), { ...CALL, model: null, cost_micros: 0 });
  // The resolver is built once per writer and reused.
  assert.deepStrictEqual(v2.decode(v1Bytes), { ...CALL, model: null, cost_micros: 0 });
});

test('v1 reader reads v2 bytes: added fields are skipped, an unknown enum symbol becomes the enum default', () => {
  const registry = bothVersions();
  const v1 = new AvroEventCodec<ToolCallEvent>(V1, registry);
  const v2 = new AvroEventCodec<CallV2>(V2, registry);
  const limited: CallV2 = { ...CALL, outcome: 'rate_limited', model: 'claude', cost_micros: 1_250 };
  // CallOutcome declares "default": "error", so avsc (like Java since Avro 1.9) maps rate_limited to it.
  assert.deepStrictEqual(v1.decode(v2.encode(limited)), { ...CALL, outcome: 'error' });
  assert.deepStrictEqual(v1.decode(v2.encode({ ...limited, outcome: 'timeout' })), { ...CALL, outcome: 'timeout' });
});

test('a reader never given the newer schema cannot read it: UNKNOWN_FINGERPRINT, not a guess', () => {
  const v2 = new AvroEventCodec<CallV2>(V2, bothVersions());
  const bytes = v2.encode({ ...CALL, model: null, cost_micros: 0 });
  assert.throws(() => toolCallCodec.decode(bytes), { name: 'EventError', code: 'UNKNOWN_FINGERPRINT' });
});

test('without an enum default, avsc refuses the whole writer schema, even for messages that use known symbols', () => {
  const strictV1 = structuredClone(V1) as { fields: Array<{ name: string; type: Record<string, unknown> }> };
  delete strictV1.fields.find((f) => f.name === 'outcome')?.type['default'];
  const registry = bothVersions();
  const reader = new AvroEventCodec<ToolCallEvent>(strictV1, registry);
  // Defaults are not in the canonical form: same fingerprint, yet the reader's own schema governs resolution.
  assert.deepEqual(reader.fingerprint, toolCallCodec.fingerprint);
  const v2 = new AvroEventCodec<CallV2>(V2, registry);
  const bytes = v2.encode({ ...CALL, model: null, cost_micros: 0 });
  assert.throws(
    () => reader.decode(bytes),
    (e: unknown) => e instanceof EventError && e.code === 'SCHEMA_MISMATCH' && /cannot be read as ToolCallEvent/.test(e.message),
  );
});

test('an incompatible change (a new field without a default) is SCHEMA_MISMATCH for old data', () => {
  const v3 = structuredClone(V2) as { fields: unknown[] };
  v3.fields.push({ name: 'region', type: 'string' });
  const registry = bothVersions();
  const reader = new AvroEventCodec<ToolCallEvent>(v3, registry);
  assert.throws(() => reader.decode(toolCallCodec.encode(CALL)), { code: 'SCHEMA_MISMATCH' });
});

test('earlier versions kept as .avsc files in a history directory become known writers', () => {
  const history = mkdtempSync(join(tmpdir(), 'mcpg-events-history-'));
  try {
    copyFileSync(new URL('tool-call-event.avsc', SCHEMA_DIR), join(history, 'tool-call-event.v1.avsc'));
    const registry = new SchemaRegistry();
    const v2 = new AvroEventCodec<CallV2>(V2, registry);
    assert.throws(() => v2.decode(toolCallCodec.encode(CALL)), { code: 'UNKNOWN_FINGERPRINT' });
    assert.equal(registerSchemaDir(registry, pathToFileURL(`${history}/`)), 1);
    assert.equal(v2.decode(toolCallCodec.encode(CALL)).model, null);
    assert.equal(registerSchemaDir(registry, pathToFileURL(join(history, 'absent/'))), 0);
  } finally {
    rmSync(history, { recursive: true, force: true });
  }
});

test('registering the same schema twice is harmless', () => {
  const registry = bothVersions();
  const a = registry.register(V1);
  assert.equal(registry.register(structuredClone(V1)), a);
  assert.equal(registry.all().length, 2);
});
