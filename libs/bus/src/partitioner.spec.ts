import { test } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { partitionForKey } from './partitioner.ts';

test('keys land on the partition kafkajs (and the Java client) would choose', () => {
  const partitioner = kafkajs.Partitioners.DefaultPartitioner();
  for (const partitions of [1, 3, 12, 50]) {
    const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
      partitionId,
      leader: 1,
      partitionErrorCode: 0,
      replicas: [1],
      isr: [1],
    }));
    for (const key of ['', 'a', 'ab', 'abc', 'abcd', 'org-42', 'acme-corp', 'ünïcødé', 'x'.repeat(37)]) {
      const expected = partitioner({ topic: 't', partitionMetadata, message: { key, value: null } });
      assert.equal(partitionForKey(key, partitions), expected, `key ${JSON.stringify(key)} / ${partitions}`);
    }
  }
});
