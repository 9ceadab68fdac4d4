// ClickHouse's parser through a store's engine (the embedded one needs no
// server): formatQuery for a statement's canonical text, EXPLAIN AST for its
// tree. Used to render migrations for a cluster, where nothing is executed.
import type { Store } from '../../create-store.ts';
import { StoreError, toStoreError } from '../../errors.ts';
import { parseAstDump } from '../../sql/ast-dump.ts';
import type { SqlParser } from './render-cluster.ts';

export function storeParser(store: Store): SqlParser {
  return {
    async format(sql) {
      try {
        const rs = await store.client.query({ query: 'SELECT formatQuery({q:String}) AS f', query_params: { q: sql }, format: 'JSONEachRow' });
        const [row] = await rs.json<{ f: string }>();
        return row!.f;
      } catch (err) {
        throw toStoreError(err, 'formatQuery');
      }
    },
    async ast(sql) {
      let text: string;
      try {
        // One CSV row per tree line. CSV because a DDL statement under EXPLAIN takes the
        // client's trailing FORMAT clause as its own, and the engine then answers in its
        // default, CSV: asking for it is what arrives either way.
        const rs = await store.client.query({ query: `EXPLAIN AST ${sql}`, format: 'CSV' });
        text = (await rs.text())
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => (line.startsWith('"') && line.endsWith('"') ? line.slice(1, -1).replace(/""/g, '"') : line))
          .join('\n');
      } catch (err) {
        throw toStoreError(err, 'EXPLAIN AST');
      }
      const node = parseAstDump(text);
      if (!node) throw new StoreError('MIGRATION_INVALID', `EXPLAIN AST printed a tree that is not one statement: ${text.slice(0, 200)}`, false);
      return node;
    },
  };
}
