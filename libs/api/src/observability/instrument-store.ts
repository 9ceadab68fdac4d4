// A Store whose client times every ClickHouse call into the API's metrics.
// Repositories take the result like any Store; nothing else changes.
import type { ClickHouseClient } from '@clickhouse/client';
import type { Store } from '@mcpg/store';
import type { ApiMetrics } from './api-metrics.ts';

const TIMED = new Set<PropertyKey>(['query', 'command', 'insert', 'exec']);

export function instrumentStore(store: Store, metrics: Pick<ApiMetrics, 'storeQueryDuration'>): Store {
  const histogram = metrics.storeQueryDuration;
  const client = new Proxy(store.client, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (!TIMED.has(prop) || typeof value !== 'function') return value;
      const operation = String(prop);
      return async (...args: unknown[]) => {
        const end = histogram.startTimer({ operation });
        try {
          const result: unknown = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          end({ outcome: 'ok' });
          return result;
        } catch (err) {
          end({ outcome: 'error' });
          throw err;
        }
      };
    },
  }) as ClickHouseClient;
  // Methods stay bound to the original store (ping, close): only the client is wrapped.
  return {
    client,
    database: store.database,
    kind: store.kind,
    location: store.location,
    ping: () => store.ping(),
    get closed() {
      return store.closed;
    },
    close: () => store.close(),
  };
}
