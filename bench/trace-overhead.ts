// What tracing adds to one gateway call: the call's SERVER span and the two
// PRODUCER spans of its events (call and audit), started and ended as the
// gateway and the Kafka producer do, in four modes — no SDK at all, the SDK
// with export off, the SDK sampling at rate 0, and every call sampled and
// exported over OTLP/HTTP protobuf to a receiver in another process (its
// export work, batched in the background, is inside the measured window:
// the run ends with a flush). Prints CPU and wall microseconds per call.
//
//   node --import tsx bench/trace-overhead.ts [calls per run, default 50000]
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { startTracing } from '@mcpg/telemetry';
import { endCallSpan, startCallSpan } from '../libs/gateway/src/trace/call-span.ts';
import { traceHeadersOf } from '../libs/gateway/src/trace/trace-context.ts';
import { startSendSpans } from '../libs/bus/src/kafka/producer-spans.ts';

const N = Number(process.argv[2] ?? 50_000);
const RUNS = 3;
const value = Buffer.alloc(600);

function oneCall(i: number): void {
  const traceparent = `00-${(i + 1).toString(16).padStart(32, '0')}-${(i + 7).toString(16).padStart(16, '0')}-01`;
  const { span, trace } = startCallSpan('fx__echo', i, 'http', [traceparent], null);
  const headers = traceHeadersOf(trace);
  endCallSpan(span, 'fx', null);
  const sent = startSendSpans('mcpg.calls.v1', [
    { key: 'acme', value, headers },
    { key: 'acme', value, headers },
  ]);
  sent.end();
}

async function measure(label: string, flush: () => Promise<void>): Promise<void> {
  const rows: { cpu: number; wall: number }[] = [];
  for (let r = 0; r < RUNS; r++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < N; i++) oneCall(i);
    await flush();
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    rows.push({ cpu: (cpu.user + cpu.system) / N, wall: (wall * 1000) / N });
  }
  const best = rows.reduce((a, b) => (b.cpu < a.cpu ? b : a));
  console.log(`${label.padEnd(34)} ${best.cpu.toFixed(2).padStart(7)} µs CPU/call ${best.wall.toFixed(2).padStart(7)} µs wall/call   (runs: ${rows.map((x) => x.cpu.toFixed(2)).join(', ')})`);
}

/** An OTLP/HTTP sink in its own process, so its parsing is not counted here. */
async function startSink(): Promise<{ url: string; stop(): void }> {
  const code = `require('node:http').createServer((q,s)=>{q.resume();q.on('end',()=>s.writeHead(200,{'content-type':'application/x-protobuf'}).end())}).listen(0,'127.0.0.1',function(){console.log(this.address().port)})`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
  return { url: `http://127.0.0.1:${port}/v1/traces`, stop: () => child.kill() };
}

console.log(`trace overhead per gateway call (1 server + 2 producer spans), ${N} calls x ${RUNS} runs, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
for (let i = 0; i < 20_000; i++) oneCall(i); // warm-up without an SDK
await measure('no SDK', async () => undefined);
const tracing = startTracing({ serviceName: 'bench' });
await measure('SDK, export off', () => tracing.forceFlush());
const sink = await startSink();
await tracing.configure({ endpoint: sink.url, sampleRate: 0 });
// Rate 0 applies where traces start; these calls come with a sampled caller, so give none.
const unsampled = (i: number) => {
  const { span, trace } = startCallSpan('fx__echo', i, 'http', [], null);
  const sent = startSendSpans('mcpg.calls.v1', [{ key: 'acme', value, headers: traceHeadersOf(trace) }, { key: 'acme', value, headers: traceHeadersOf(trace) }]);
  endCallSpan(span, 'fx', null);
  sent.end();
};
{
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) unsampled(i);
  const cpu = process.cpuUsage(cpu0);
  console.log(`${'SDK, sample rate 0, no caller'.padEnd(34)} ${((cpu.user + cpu.system) / N).toFixed(2).padStart(7)} µs CPU/call ${(((performance.now() - t0) * 1000) / N).toFixed(2).padStart(7)} µs wall/call`);
}
await tracing.configure({ endpoint: sink.url, sampleRate: 1 });
await measure('SDK, sampled, OTLP export', () => tracing.forceFlush());
await tracing.shutdown();
sink.stop();
