// The gateway's operations port: GET /metrics from its registry, plus
// /healthz (the process answers) and /readyz (it serves MCP and is not
// shutting down; the body lists each upstream's status) for orchestrators.
// Readiness does not depend on Kafka or on upstreams: events spill to the
// spool, and every replica shares the same upstreams, so taking a pod out of
// rotation for either would only turn MCP errors into connection errors.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface MetricsServer {
  readonly url: string;
  close(): Promise<void>;
}

export interface GatewayReadiness {
  readonly ready: boolean;
  readonly reason?: string;
  readonly upstreams: Readonly<Record<string, string>>;
}

const json = (res: ServerResponse, code: number, body: object) =>
  res.writeHead(code, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(body));

export async function startMetricsServer(registry: Registry, host: string, port: number, readiness?: () => GatewayReadiness): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: 'only GET is served' });
    if (path === '/healthz') return json(res, 200, { status: 'ok' });
    if (path === '/readyz') {
      const r = readiness?.() ?? { ready: true, upstreams: {} };
      return r.ready ? json(res, 200, { status: 'ok', upstreams: r.upstreams }) : json(res, 503, { status: 'unavailable', reason: r.reason, upstreams: r.upstreams });
    }
    if (path !== '/metrics') return json(res, 404, { error: `no route ${path}; try /metrics, /healthz or /readyz` });
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${bound}/metrics`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
