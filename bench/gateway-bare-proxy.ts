// The floor for any HTTP MCP proxy on this host: a minimal node:http
// forwarder with none of the gateway's work (no MCP parsing, auth, policy,
// events). Each request is passed to the upstream on a kept-alive connection
// with its method, headers and body, and the answer comes back the same way,
// status, headers and body, in one write. bench/gateway-overhead.ts runs it as
// its own process and measures a call through it like one through the gateway.
// Run: node --import tsx bench/gateway-bare-proxy.ts <upstream url>   (prints "listening <port>")
import { Agent, createServer, request, type IncomingHttpHeaders } from 'node:http';

const target = new URL(process.argv[2] ?? '');
const agent = new Agent({ keepAlive: true });
// Hop-by-hop headers are the forwarder's own to set.
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'content-length']);
const forwarded = (h: IncomingHttpHeaders) => Object.fromEntries(Object.entries(h).filter(([k]) => !HOP.has(k)));

const read = (s: NodeJS.ReadableStream) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    s.on('data', (c: Buffer) => chunks.push(c));
    s.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    s.once('error', reject);
  });

const server = createServer((req, res) => {
  void read(req).then((body) => {
    const out = request(target, { method: req.method, agent, headers: { ...forwarded(req.headers), 'content-length': body.length } }, (up) => {
      void read(up).then((answer) => {
        res.writeHead(up.statusCode ?? 502, { ...forwarded(up.headers), 'content-length': answer.length });
        res.end(answer);
      });
    });
    out.once('error', () => res.writeHead(502).end());
    out.end(body);
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : ''}`);
});
process.once('SIGTERM', () => process.exit(0));
