// The codecs of mcpg's events, compiled once at module load from the .avsc
// files, sharing one registry so each can read every known version of its
// record, and a dispatcher for consumers of mixed streams.
import { AvroEventCodec, type EventCodec } from './codec.ts';
import { EventError } from './errors.ts';
import type { AuditEvent, ToolCallEvent } from './event-types.generated.ts';
import { HISTORY_DIR, readSchemaFile, registerSchemaDir } from './schema-files.ts';
import { SchemaRegistry } from './schema-registry.ts';
import { readFingerprint } from './single-object.ts';

export const eventSchemas = new SchemaRegistry();

const callCodec = new AvroEventCodec<ToolCallEvent>(readSchemaFile('tool-call-event.avsc'), eventSchemas);
const auditEventCodec = new AvroEventCodec<AuditEvent>(readSchemaFile('audit-event.avsc'), eventSchemas);
registerSchemaDir(eventSchemas, HISTORY_DIR);

export const toolCallCodec: EventCodec<ToolCallEvent> = callCodec;
export const auditCodec: EventCodec<AuditEvent> = auditEventCodec;

export type DecodedEvent = { kind: 'call'; event: ToolCallEvent } | { kind: 'audit'; event: AuditEvent };

/** Decodes a message of either event type, chosen by the fingerprint in its header. */
export function decodeAny(bytes: Buffer): DecodedEvent {
  const fingerprintHex = readFingerprint(bytes);
  const writer = eventSchemas.get(fingerprintHex);
  if (writer?.fullName === callCodec.fullName) return { kind: 'call', event: callCodec.decodeWritten(writer, bytes) };
  if (writer?.fullName === auditEventCodec.fullName) return { kind: 'audit', event: auditEventCodec.decodeWritten(writer, bytes) };
  throw new EventError('UNKNOWN_FINGERPRINT', `no known event schema has fingerprint ${fingerprintHex}`);
}
