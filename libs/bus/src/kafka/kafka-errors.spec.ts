import { test } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { BusError } from '../errors.ts';
import { toBusError } from './kafka-errors.ts';

const context = { brokers: ['127.0.0.1:19092'], action: 'testing' };
const protocol = (type: string, retriable: boolean) =>
  new kafkajs.KafkaJSProtocolError({ message: type.toLowerCase(), type, code: 0, retriable } as never);
// kafkajs' retrier passes `cause`; its type declarations leave that argument out.
const NonRetriable = kafkajs.KafkaJSNonRetriableError as unknown as new (e: Error, o: { cause: Error }) => Error;
const exhausted = (cause: Error) => new kafkajs.KafkaJSNumberOfRetriesExceeded(cause, { retryCount: 5, retryTime: 100 });

test('connection failures, however wrapped, are BROKER_UNREACHABLE with what to do', () => {
  const refused = new kafkajs.KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:19092', {
    broker: '127.0.0.1:19092',
    code: 'ECONNREFUSED',
  });
  for (const error of [refused, exhausted(refused), new NonRetriable(exhausted(refused), { cause: refused })]) {
    const mapped = toBusError(error, context);
    assert.equal(mapped.code, 'BROKER_UNREACHABLE');
    assert.equal(mapped.retriable, true);
    assert.equal(mapped.cause, error);
    assert.match(mapped.message, /127\.0\.0\.1:19092 is not reachable while testing.*mcpg kafka start.*--bus memory/);
  }
});

test('TLS handshake failures are TLS_FAILED, not retried as an outage, with what to check', () => {
  for (const code of ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_HAS_EXPIRED', 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE']) {
    const failed = new kafkajs.KafkaJSConnectionError(`Connection error: ${code.toLowerCase()}`, { broker: '127.0.0.1:19092', code });
    const mapped = toBusError(exhausted(failed), context);
    assert.deepEqual([mapped.code, mapped.retriable], ['TLS_FAILED', false], code);
    assert.match(mapped.message, /TLS handshake with Kafka broker 127\.0\.0\.1:19092 failed while testing.*CA file/);
  }
});

test('protocol error types map to catalog codes through retry wrappers and aggregates', () => {
  const cases: Array<[Error, string]> = [
    [exhausted(protocol('UNKNOWN_TOPIC_OR_PARTITION', true)), 'TOPIC_NOT_FOUND'],
    [protocol('MESSAGE_TOO_LARGE', false), 'MESSAGE_TOO_LARGE'],
    [protocol('TOPIC_AUTHORIZATION_FAILED', false), 'NOT_AUTHORIZED'],
    [protocol('REBALANCE_IN_PROGRESS', true), 'REBALANCE_IN_PROGRESS'],
    [protocol('INVALID_REPLICATION_FACTOR', false), 'INVALID_REQUEST'],
    [new kafkajs.KafkaJSAggregateError('create failed', [protocol('INVALID_PARTITIONS', false)] as never), 'INVALID_REQUEST'],
    [Object.assign(new Error('timed out'), { name: 'KafkaJSRequestTimeoutError' }), 'TIMEOUT'],
    [new kafkajs.KafkaJSNonRetriableError('Invalid offset, expected a long received x'), 'INVALID_REQUEST'],
  ];
  for (const [error, code] of cases) assert.equal(toBusError(error, context).code, code, error.message);
});

test('other broker errors keep the root cause retriable flag, not the retry wrapper one', () => {
  assert.equal(toBusError(exhausted(protocol('NOT_LEADER_OR_FOLLOWER', true)), context).retriable, true);
  const fatal = toBusError(protocol('UNSUPPORTED_VERSION', false), context);
  assert.deepEqual([fatal.code, fatal.retriable], ['BROKER_ERROR', false]);
});

test('a BusError passes through unchanged', () => {
  const error = new BusError('CLOSED', 'closed');
  assert.equal(toBusError(error, context), error);
});
