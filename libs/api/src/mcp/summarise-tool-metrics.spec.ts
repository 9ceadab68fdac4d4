import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summariseToolMetrics } from './summarise-tool-metrics.ts';

const EXPOSITION = `# TYPE mcpg_tool_calls_total counter
mcpg_tool_calls_total{org="acme",workspace="prod",plugin="github",tool="create_pr"} 40
mcpg_tool_calls_total{org="acme",workspace="prod",plugin="slack",tool="post"} 100
mcpg_tool_calls_total{org="acme",workspace="dev",plugin="github",tool="create_pr"} 7
mcpg_tool_errors_total{org="acme",workspace="prod",plugin="github",tool="create_pr"} 10
mcpg_tool_errors_total{org="acme",workspace="prod",plugin="slack",tool="post"} 1
mcpg_tool_latency_seconds{org="acme",workspace="prod",plugin="github",tool="create_pr",quantile="0.5"} 0.25
mcpg_tool_latency_seconds{org="acme",workspace="prod",plugin="github",tool="create_pr",quantile="0.99"} 2.341
mcpg_tool_latency_seconds_sum{org="acme",workspace="prod",plugin="github",tool="create_pr"} 50
`;

test('the tools that failed most in a workspace, with error rates and latency in ms', () => {
  assert.deepEqual(summariseToolMetrics(EXPOSITION, { workspace: 'prod', top: 5 }), {
    tools: [
      { workspace: 'prod', plugin: 'github', tool: 'create_pr', calls: 40, errors: 10, error_rate: 0.25, latency_ms: { p50: 250, p99: 2341 } },
      { workspace: 'prod', plugin: 'slack', tool: 'post', calls: 100, errors: 1, error_rate: 0.01, latency_ms: {} },
    ],
    tools_total: 2,
  });
  assert.equal(summariseToolMetrics(EXPOSITION, { top: 1 }).tools_total, 3);
});
