// Which class of load a route belongs to, from its method and URL template
// alone, so routes added later (series, anomalies, invocations, …) are
// covered without doing anything:
// - `health`: /healthz, /readyz — never queued, never cached (orchestrators
//   must see the process as it is).
// - `fleet`: the Prometheus fleet endpoint — cached and coalesced, and first
//   in the engine queue (a late scrape is a gap in every graph and alert).
// - `query`: every other GET that reads org data from the engine — cached
//   and coalesced, queued behind the fleet endpoint.
// - `stream`: exports (whole-ledger NDJSON, CSV) — bounded like queries but
//   never cached or shared (their bodies are streams, possibly huge); and the
//   payload view (decrypt-on-view), whose every answer is for one key, checks
//   its role in the route and is recorded in the ledger: an answer shared or
//   replayed would show plaintext to a key the route never judged and skip its
//   audit row.
// - `other`: everything else (the API's own metrics, OpenAPI, public keys,
//   admin, the web console's pages and files, served from memory, and POST
//   /mcp, whose tools call the routes above through the API itself and are
//   admitted there — admitting /mcp too would let MCP calls hold every slot
//   while their inner requests wait for one).
export type RouteClass = 'health' | 'fleet' | 'query' | 'stream' | 'other';

/**
 * The worker whose flushes change a route's answers (`pipeline_progress`
 * consumer), or `any` when a route reads both tiers or cannot be told.
 */
export type DataSource = 'rollup-worker' | 'ledger-worker' | 'any';

export interface RouteLoad {
  readonly cls: RouteClass;
  readonly source: DataSource;
}

const HEALTH = new Set(['/healthz', '/readyz']);
const FLEET = '/v1/orgs/:org/metrics';
/** Answers for one key only, each recorded: never cached, never coalesced. */
const PRIVATE: ReadonlySet<string> = new Set(['/v1/orgs/:org/invocations/:event_id/payload']);
const OTHER: ReadonlySet<string> = new Set(['/api/v1/metrics', '/openapi.json', '/v1/ledger/keys']);

export function classifyRoute(method: string, url: string | undefined, csv: boolean): RouteLoad {
  if (url === undefined) return { cls: 'other', source: 'any' };
  if (HEALTH.has(url)) return { cls: 'health', source: 'any' };
  if (method !== 'GET' || OTHER.has(url) || url.startsWith('/v1/admin/') || url.startsWith('/documentation') || url === '/' || url === '/console' || url.startsWith('/console/')) return { cls: 'other', source: 'any' };
  // Pipeline health (both workers' progress) is part of the fleet exposition.
  if (url === FLEET) return { cls: 'fleet', source: 'any' };
  const source: DataSource = /\/(audit|ledger)(\/|$)/.test(url) ? 'ledger-worker' : /\/(metrics|tokens|series|anomalies|invocations)(\/|$)/.test(url) ? 'rollup-worker' : 'any';
  if (csv || /\/export(\/|$)/.test(url) || PRIVATE.has(url)) return { cls: 'stream', source };
  return { cls: 'query', source };
}
