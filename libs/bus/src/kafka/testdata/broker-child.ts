// Test fixture: starts a local broker, prints its pid, and waits to be killed
// (local-broker.int.spec.ts SIGKILLs this process to check the broker follows).
import { startLocalBroker } from '../local-broker.ts';

const [port, dataDir] = process.argv.slice(2);
const broker = await startLocalBroker({ port: Number(port), dataDir: dataDir!, heapMb: 256 });
process.stdout.write(`${JSON.stringify({ pid: broker.pid })}\n`);
setInterval(() => undefined, 60_000);
