import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jvmArgs, newClusterId, serverProperties } from './broker-config.ts';

test('server.properties: one KRaft node on loopback, single-replica internals, no auto-created topics', () => {
  const props = Object.fromEntries(
    serverProperties({ port: 19092, controllerPort: 19093, logDir: '/d/kraft', partitions: 4 })
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]),
  );
  assert.equal(props['process.roles'], 'broker,controller');
  assert.equal(props['listeners'], 'PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093');
  assert.equal(props['controller.quorum.voters'], '1@127.0.0.1:19093');
  assert.equal(props['log.dirs'], '/d/kraft');
  assert.equal(props['num.partitions'], '4');
  assert.equal(props['auto.create.topics.enable'], 'false');
  assert.equal(props['group.initial.rebalance.delay.ms'], '0');
  for (const key of ['offsets.topic.replication.factor', 'transaction.state.log.replication.factor', 'transaction.state.log.min.isr']) {
    assert.equal(props[key], '1', key);
  }
});

test('cluster ids are 22 base64url characters and never look like a flag', () => {
  for (let i = 0; i < 500; i++) assert.match(newClusterId(), /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
});

test('the heap is capped as asked', () => {
  assert.ok(jvmArgs(384, '/x').includes('-Xmx384m'));
});
