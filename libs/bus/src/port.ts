// The bus port is defined by the core (libs/pipeline); the adapters here
// implement it. Re-exported so users of the adapters need one import.
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
} from '@mcpg/pipeline';
