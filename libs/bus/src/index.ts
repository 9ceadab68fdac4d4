// @mcpg/bus: the bus port, its Kafka and in-memory adapters, and a local
// Kafka broker for development and tests.

export type {
  Bus,
  BusProducer,
  BusConsumer,
  BatchHandler,
  ConsumeOptions,
  CommitPosition,
  HeaderValue,
  IncomingMessage,
  MessageBatch,
  OutgoingMessage,
  RawRecord,
  TopicSpec,
} from './port.ts';
export { BUS_ERROR_CODES, BUS_ERROR_DOCS, BusError, isBusError, type BusErrorCode } from './errors.ts';
export { silentLog, type BusLog, type BusLogLevel, type LevelLogger } from './log.ts';
export { partitionForKey } from './partitioner.ts';
export { MCPG_TOPICS } from './topics.ts';
export { createMemoryBus, type MemoryBusOptions } from './memory/memory-bus.ts';
export { createKafkaBus } from './kafka/kafka-bus.ts';
export { SASL_MECHANISMS, type KafkaSasl, type KafkaTls, type SaslMechanism } from './kafka/kafka-security.ts';
export type {
  KafkaBusOptions,
  KafkaCompression,
  KafkaConsumerTuning,
  KafkaLogLevel,
  RetryPolicy,
} from './kafka/kafka-options.ts';
export { startLocalBroker, provisionKafka, type LocalBroker, type LocalBrokerOptions } from './kafka/local-broker.ts';
export type { BrokerTls } from './kafka/broker-config.ts';
