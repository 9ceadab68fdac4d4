import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayMetrics } from './gateway-metrics.ts';

test('events_dropped_total is exposed at 0 for both policies before any drop, so the first burst is an increase', async () => {
  const m = new GatewayMetrics({ queueDepth: () => 0, spoolBytes: () => 0 });
  const before = await m.registry.metrics();
  assert.match(before, /^events_dropped_total\{reason="drop-oldest"\} 0$/m);
  assert.match(before, /^events_dropped_total\{reason="drop-newest"\} 0$/m);
  m.dropped(120, 'drop-oldest');
  assert.match(await m.registry.metrics(), /^events_dropped_total\{reason="drop-oldest"\} 120$/m);
});
