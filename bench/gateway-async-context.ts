// What an active AsyncLocalStorage costs a tool call on Node 20: once any
// store has been entered, Node runs its promise hooks for every promise in the
// process. An SDK client and server over an in-memory transport make the same
// tools/call round trip (both Protocol ends, zod parsing, the handler's
// promises) with no store entered, then each call inside a store's run(),
// then with the store disabled again, alternating; CPU per call is printed.
// Run: node --import tsx bench/gateway-async-context.ts [--calls N] [--rounds R]
import { AsyncLocalStorage } from 'node:async_hooks';
import { loadavg } from 'node:os';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';

const arg = (name: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const N = Number(arg('calls') ?? 20_000);
const ROUNDS = Number(arg('rounds') ?? 3);
const ARGS = { text: 'find open issues labelled bug in acme/site', limit: 20 };

const server = new Server({ name: 'echo', version: '1' }, { capabilities: { tools: {} } });
server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: [{ name: 'echo', inputSchema: { type: 'object' as const } }] }));
server.setRequestHandler(CallToolRequestSchema, async (request) => ({ content: [{ type: 'text' as const, text: JSON.stringify(request.params.arguments) }] }));
const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
await server.connect(serverSide);
const client = new Client({ name: 'bench', version: '1' });
await client.connect(clientSide);

const store = new AsyncLocalStorage<{ call: number }>();
const call = () => client.callTool({ name: 'echo', arguments: ARGS });

async function measure(label: string, inStore: boolean): Promise<string> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await (inStore ? store.run({ call: i }, call) : call());
  const cpu = process.cpuUsage(cpu0);
  return `${label}: ${((cpu.user + cpu.system) / N).toFixed(1)} µs CPU per call (${((performance.now() - t0) / N * 1000).toFixed(1)} µs wall)`;
}

for (let i = 0; i < 2_000; i++) await call();
console.log(`${N} tools/call round trips per measurement, SDK client and server in one process; Node ${process.version}; load average ${loadavg()[0]!.toFixed(1)}`);
for (let r = 1; r <= ROUNDS; r++) {
  const off = await measure('no store entered', false);
  const on = await measure('each call in store.run()', true);
  store.disable();
  console.log(`round ${r}: ${off} | ${on}`);
}
console.log(`load average at the end ${loadavg()[0]!.toFixed(1)}`);
await client.close();
