// A real `mcpg up` for the console's browser test: its own Kafka broker and
// embedded ClickHouse in a temporary directory, API keys from a keys file,
// no live simulator. History is produced straight to its broker with the
// fleet simulator's generator: a quiet baseline, then an incident (one tool
// failing most calls), then quiet again, all in event time ending a minute ago,
// so the data is complete and the same on every read. 12 calls/s gives the
// busy tools the 20+ calls a minute the anomaly detector wants per bucket.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafkaBus } from '@mcpg/bus';
import { auditCodec, payloadCodec, toolCallCodec, TOPICS, type ToolCallPayload } from '@mcpg/events';
import { emptyKeystore, formatKeystore, generateKekText, PayloadKeyring, FileKek, rotateOrgKey, sealPayload, type DataKey } from '@mcpg/payload-crypto';
import { parseFault, TrafficGenerator, type ToolFault } from '@mcpg/simulator';

const ROOT = new URL('../../../', import.meta.url).pathname;

export interface StackKey {
  readonly id: string;
  readonly secret: string;
  readonly orgs: readonly string[];
  readonly roles: readonly string[];
}

export interface ConsoleStack {
  readonly url: string;
  readonly keys: Readonly<Record<'admin' | 'viewer', StackKey>>;
  /** Calls produced per org. */
  readonly calls: Readonly<Record<string, number>>;
  readonly incident: { readonly plugin: string; readonly tool: string; readonly fromMs: number; readonly toMs: number };
  output(): string;
  stop(): Promise<void>;
}

export const ORGS = ['acme', 'globex'] as const;
// A tool the fleet of FLEET_SEED uses often enough (about 60 calls a minute in
// acme at 12 calls/s) that its minutes pass the anomaly detector's floor of calls.
const INCIDENT = 'postgres/query=0.6';
/** One fleet for every segment: its tools keep their popularity before, during and after the incident. */
const FLEET_SEED = 11;

function key(id: string, orgs: string[], roles: string[]): StackKey {
  return { id, secret: `mcpg_${randomBytes(24).toString('base64url')}`, orgs, roles };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, output: () => string, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what} not reached within ${timeoutMs} ms (${String(last ?? '')})\n${output().slice(-3000)}`);
}

/** Event-time segments of history: [start, end) in ms, rate in calls/s of event time, faults. */
function segments(nowMs: number) {
  const end = Math.floor(nowMs / 60_000) * 60_000 - 60_000;
  const min = 60_000;
  return [
    { seed: 11, from: end - 45 * min, to: end - 18 * min, faults: [] as ToolFault[] },
    { seed: 12, from: end - 18 * min, to: end - 10 * min, faults: [parseFault(INCIDENT)] },
    { seed: 13, from: end - 10 * min, to: end, faults: [] as ToolFault[] },
  ];
}

/** What the payload of a captured call reads as, once revealed (the gateway would seal masked JSON). */
export const capturedArguments = (eventId: string) => JSON.stringify({ sql: 'select * from orders where id = $1', params: [eventId.slice(-6)] });

/** The calls of acme during the incident, captured as a gateway with a capture rule would: sealed with acme's key. */
function captured(call: { event_id: string; org: string; workspace: string; instance: string; started_at: number }, key: DataKey): ToolCallPayload[] {
  return (['arguments', 'response'] as const).map((field) => {
    const text = Buffer.from(field === 'arguments' ? capturedArguments(call.event_id) : JSON.stringify({ content: [{ type: 'text', text: 'ERROR: canceling statement due to statement timeout' }], isError: true }));
    const sealed = sealPayload(key.key, { org: call.org, eventId: call.event_id, field, keyVersion: key.version }, text);
    return { event_id: call.event_id, org: call.org, workspace: call.workspace, instance: call.instance, field, key_version: key.version, ...sealed, original_bytes: text.length, truncated: false, started_at: call.started_at };
  });
}

async function produceHistory(brokers: string, nowMs: number, ratePerSec: number, acmeKey: DataKey): Promise<Record<string, number>> {
  const bus = createKafkaBus({ brokers: [brokers], clientId: 'console-test-history' });
  const producer = await bus.producer();
  const calls: Record<string, number> = {};
  try {
    for (const seg of segments(nowMs)) {
      const gen = new TrafficGenerator({ seed: seg.seed, fleetSeed: FLEET_SEED, orgs: [...ORGS], gateways: 6, faults: seg.faults, startTime: seg.from, rate: ratePerSec });
      const total = Math.floor(((seg.to - seg.from) / 1000) * ratePerSec);
      for (let sent = 0; sent < total; ) {
        const n = Math.min(2000, total - sent);
        const c = [];
        const a = [];
        const p = [];
        for (let i = 0; i < n; i++) {
          const { call, audit } = gen.next();
          const headers = call.trace_id && call.span_id ? { traceparent: `00-${call.trace_id}-${call.span_id}-00` } : undefined;
          c.push({ key: call.org, value: toolCallCodec.encode(call), headers });
          a.push({ key: audit.org, value: auditCodec.encode(audit), headers });
          if (seg.faults.length > 0 && call.org === 'acme') for (const e of captured(call, acmeKey)) p.push({ key: e.org, value: payloadCodec.encode(e) });
          calls[call.org] = (calls[call.org] ?? 0) + 1;
        }
        await Promise.all([producer.send(TOPICS.calls, c), producer.send(TOPICS.audit, a), producer.send(TOPICS.payloads, p)]);
        sent += n;
      }
    }
  } finally {
    await bus.close();
  }
  return calls;
}

export async function startConsoleStack(options: { kafkaPort: number; ratePerSec?: number }): Promise<ConsoleStack> {
  const dir = mkdtempSync(join(tmpdir(), 'mcpg-console-stack-'));
  const keys = { admin: key('ops-admin', ['*'], ['admin']), viewer: key('acme-viewer', ['acme'], ['metrics', 'audit', 'export', 'payload']) };
  // Payload keys: acme's data key, wrapped by a KEK of this stack.
  const kekText = generateKekText();
  writeFileSync(join(dir, 'payload.kek'), kekText, { mode: 0o600 });
  const kek = FileKek.parse(kekText);
  const keystore = (await rotateOrgKey(emptyKeystore(), 'acme', kek, new Date())).doc;
  writeFileSync(join(dir, 'payload-keys.json'), formatKeystore(keystore), { mode: 0o600 });
  const acmeKey = (await PayloadKeyring.open(keystore, kek)).current('acme');
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');
  writeFileSync(join(dir, 'keys.json'), JSON.stringify({ keys: Object.values(keys).map((k) => ({ id: k.id, sha256: sha(k.secret), orgs: k.orgs, roles: k.roles })) }));

  const args = ['bin/mcpg.mjs', 'up', '--data-dir', join(dir, 'data'), '--kafka-port', String(options.kafkaPort), '--port', '0', '--rate', '0', '--api-keys-file', join(dir, 'keys.json'), '--log-level', 'warn', '--payload-keystore', join(dir, 'payload-keys.json'), '--payload-kek', join(dir, 'payload.kek')];
  const child: ChildProcess = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MCPG_LEDGER_SEGMENT_SECONDS: '60' } });
  let log = '';
  child.stdout!.on('data', (c) => (log += c));
  child.stderr!.on('data', (c) => (log += c));
  const output = () => log;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGINT');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const url = await waitFor('the banner of mcpg up', async () => /api\s+(http:\/\/\S+)/.exec(log)?.[1], output, 180_000);
    const nowMs = Date.now();
    const calls = await produceHistory(`127.0.0.1:${options.kafkaPort}`, nowMs, options.ratePerSec ?? 12, acmeKey);
    const auth = { authorization: `Bearer ${keys.admin.secret}` };
    // Stored and counted: every org's audit rows and rollups hold every call produced.
    for (const org of ORGS) {
      await waitFor(`${org}'s ${calls[org]} ledger rows`, async () => {
        const r = await fetch(`${url}/v1/orgs/${org}/audit?limit=1`, { headers: auth });
        const newest = ((await r.json()) as { items?: { seq: number }[] }).items?.[0];
        return newest && newest.seq + 1 === calls[org] ? true : undefined;
      }, output, 240_000);
      await waitFor(`${org}'s ${calls[org]} calls in the rollups`, async () => {
        const text = await (await fetch(`${url}/v1/orgs/${org}/metrics`, { headers: auth })).text();
        const sum = [...text.matchAll(/^mcpg_tool_calls_total\{[^}]*\} (\d+)/gm)].reduce((s, m) => s + Number(m[1]), 0);
        return sum === calls[org] ? true : undefined;
      }, output, 240_000);
    }
    const [seg] = segments(nowMs).filter((s) => s.faults.length > 0);
    return { url, keys, calls, incident: { ...parseFault(INCIDENT), fromMs: seg!.from, toMs: seg!.to }, output, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
