// @mcpg/events: the Avro event codec (single-object encoding) and the event
// types generated from schemas/avro/*.avsc.
export { TOPICS, type TopicName } from './topics.ts';
export { CALL_ACTIONS, CALL_ACTION_OF_SOURCE, DENIED_CALL_ACTION, callAction } from './call-actions.ts';
export type { EventCodec } from './codec.ts';
export { toolCallCodec, auditCodec, payloadCodec, decodeAny, eventSchemas, type DecodedEvent } from './event-codecs.ts';
export { EventError, EVENT_ERROR_CODES, EVENT_ERROR_DOCS, type EventErrorCode } from './errors.ts';
export * from './event-types.generated.ts';
export { OPERATOR_INSTANCE, operatorAuditEvent, type OperatorAction, type OperatorAudit } from './operator-event.ts';
