import { test } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { kafkajsLogCreator } from './kafka-logger.ts';

test('kafkajs lines reach the bus logger; routine retry noise is debug, real failures stay errors', () => {
  const lines: Array<[string, string, unknown]> = [];
  const write = kafkajsLogCreator((level, message, fields) => lines.push([level, message, fields]))(kafkajs.logLevel.WARN);
  const entry = (namespace: string, level: kafkajs.logLevel, message: string) =>
    write({ namespace, level, label: '', log: { message, timestamp: 'now', logger: 'kafkajs', broker: 'b:1' } });
  entry('Connection', kafkajs.logLevel.ERROR, 'Response GroupCoordinator(key: 10, version: 2)');
  entry('Consumer', kafkajs.logLevel.ERROR, 'Crash: KafkaJSNonRetriableError');
  entry('Producer', kafkajs.logLevel.WARN, 'Limiting retries for the idempotent producer may invalidate EoS guarantees');
  entry('Producer', kafkajs.logLevel.WARN, 'Something else');
  assert.deepEqual(lines, [
    ['debug', 'kafkajs Connection: Response GroupCoordinator(key: 10, version: 2)', { broker: 'b:1' }],
    ['error', 'kafkajs Consumer: Crash: KafkaJSNonRetriableError', { broker: 'b:1' }],
    ['debug', 'kafkajs Producer: Limiting retries for the idempotent producer may invalidate EoS guarantees', { broker: 'b:1' }],
    ['warn', 'kafkajs Producer: Something else', { broker: 'b:1' }],
  ]);
});
