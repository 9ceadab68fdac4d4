import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import avsc from 'avsc';
import { AUDIT_DECISIONS, AUDIT_OUTCOMES, CALL_OUTCOMES, CALL_SOURCES, PAYLOAD_FIELDS, POLICY_DECISIONS } from './index.ts';
import { readSchemaFile } from './schema-files.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const GENERATED = join(ROOT, 'libs/events/src/event-types.generated.ts');

function gen(...args: string[]): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'tools/gen-event-types.ts', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, output: r.stdout + r.stderr };
}

test('the committed generated types match the schemas (npm run gen -- --check)', () => {
  const r = gen('--check');
  assert.equal(r.status, 0, r.output);
});

test('--check fails on drift and names the fix; generating repairs it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcpg-gen-'));
  try {
    for (const f of ['tool-call-event.avsc', 'audit-event.avsc', 'tool-call-payload.avsc']) copyFileSync(join(ROOT, 'schemas/avro', f), join(dir, f));
    const out = join(dir, 'types.generated.ts');
    writeFileSync(out, readFileSync(GENERATED, 'utf8').replace("'timeout', ", ''));
    const stale = gen('--check', '--schemas', dir, '--out', out);
    assert.equal(stale.status, 1);
    assert.match(stale.output, /out of date.*npm run gen/);
    assert.equal(gen('--schemas', dir, '--out', out).status, 0);
    assert.equal(gen('--check', '--schemas', dir, '--out', out).status, 0);
    assert.equal(readFileSync(out, 'utf8'), readFileSync(GENERATED, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the generated symbol arrays are the schemas\' enum symbols, in order', () => {
  const enums = new Map<string, readonly string[]>();
  for (const file of ['tool-call-event.avsc', 'audit-event.avsc', 'tool-call-payload.avsc']) {
    const type = avsc.Type.forSchema(readSchemaFile(file) as avsc.Schema) as avsc.types.RecordType;
    for (const f of type.fields) if (f.type instanceof avsc.types.EnumType) enums.set(f.type.name as string, f.type.symbols);
  }
  assert.deepEqual(enums.get('dev.mcpg.events.CallSource'), CALL_SOURCES);
  assert.deepEqual(enums.get('dev.mcpg.events.CallOutcome'), CALL_OUTCOMES);
  assert.deepEqual(enums.get('dev.mcpg.events.PolicyDecision'), POLICY_DECISIONS);
  assert.deepEqual(enums.get('dev.mcpg.events.PayloadField'), PAYLOAD_FIELDS);
  assert.deepEqual(enums.get('dev.mcpg.events.AuditDecision'), AUDIT_DECISIONS);
  assert.deepEqual(enums.get('dev.mcpg.events.AuditOutcome'), AUDIT_OUTCOMES);
});
