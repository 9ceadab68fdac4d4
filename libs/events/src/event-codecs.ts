// The codecs of mcpg's events, compiled once at module load from the .avsc
// files, sharing one registry so each can read every known version of its
// record, and a dispatcher for consumers of mixed streams.
import { AvroEventCodec, type EventCodec } from './codec.ts';
import { EventError } from './errors.ts';
import type { AuditEvent, ToolCallEvent, ToolCallPayload } from './event-types.generated.ts';
import { HISTORY_DIR, readSchemaFile, registerSchemaDir } from './schema-files.ts';
import { SchemaRegistry } from './schema-registry.ts';
import { readFingerprint } from './single-object.ts';

export const eventSchemas = new SchemaRegistry();

const callCodec = new AvroEventCodec<ToolCallEvent>(readSchemaFile('tool-call-event.avsc'), eventSchemas);
const auditEventCodec = new AvroEventCodec<AuditEvent>(readSchemaFile('audit-event.avsc'), eventSchemas);
const payloadEventCodec = new AvroEventCodec<ToolCallPayload>(readSchemaFile('tool-call-payload.avsc'), eventSchemas);
registerSchemaDir(eventSchemas, HISTORY_DIR);

export const toolCallCodec: EventCodec<ToolCallEvent> = callCodec;
export const auditCodec: EventCodec<AuditEvent> = auditEventCodec;
/** Sealed payloads (mcpg.payloads.v1): ciphertext only, never read by the call or audit consumers. */
export const payloadCodec: EventCodec<ToolCallPayload> = payloadEventCodec;

export type DecodedEvent = { kind: 'call'; event: ToolCallEvent } | { kind: 'audit'; event: AuditEvent };

/** Decodes a message of either event type, chosen by the fingerprint in its header. */
export function decodeAny(bytes: Buffer): DecodedEvent {
  const fingerprintHex = readFingerprint(bytes);
  const writer = eventSchemas.get(fingerprintHex);
  if (writer?.fullName === callCodec.fullName) return { kind: 'call', event: callCodec.decodeWritten(writer, bytes) };
  if (writer?.fullName === auditEventCodec.fullName) return { kind: 'audit', event: auditEventCodec.decodeWritten(writer, bytes) };
  throw new EventError('UNKNOWN_FINGERPRINT', `no known event schema has fingerprint ${fingerprintHex}`);
}
