// The PromQL reading the dashboard check relies on: if it missed a name, a
// dashboard querying a metric that does not exist would pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupingLabels, labelsOf, metricNames, selectors } from './promql-names.ts';

test('metric names: selectors, ranges, functions and aggregations', () => {
  assert.deepEqual(metricNames('sum by (plugin, tool) (rate(mcpg_tool_calls_total{org=~"$org"}[$__rate_interval]))'), ['mcpg_tool_calls_total']);
  assert.deepEqual(
    metricNames('sum(rate(a_sum{x="rate(b)"}[5m])) / on (org) group_left (tool) sum(rate(a_count[1h] offset 5m)) > 0.05'),
    ['a_sum', 'a_count'],
  );
  assert.deepEqual(metricNames('time() - max by (consumer) (last_ts)'), ['last_ts']);
  assert.deepEqual(metricNames('up and bool other unless 1e3 * third'), ['up', 'other', 'third']);
  assert.deepEqual(metricNames('histogram_quantile(0.99, sum by (le) (rate(h_bucket[5m])))'), ['h_bucket']);
  assert.deepEqual(metricNames('x{a="1"} or x'), ['x']);
});

test('selectors and their label names, with quoted values ignored', () => {
  assert.deepEqual(selectors('max(m{quantile="0.99", org=~"a|b"}) + n{a!="b"}'), [
    { metric: 'm', matchers: 'quantile="0.99", org=~"a|b"' },
    { metric: 'n', matchers: 'a!="b"' },
  ]);
  assert.deepEqual(labelsOf('quantile="0.99", org=~"x=y", tool!~"$tool", plugin!="p"'), ['quantile', 'org', 'tool', 'plugin']);
});

test('grouping labels of by, without, on and group_left', () => {
  assert.deepEqual(groupingLabels('sum by (plugin, tool) (a) / on(org) group_left(x) sum without (instance) (b)'), ['plugin', 'tool', 'org', 'x', 'instance']);
});
