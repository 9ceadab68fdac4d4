// An event codec: one reader schema, single-object framing, and Avro schema
// resolution for messages written with any other known version of the same
// record. Everything schema-derived (types, header, resolvers) is built once.
import type avsc from 'avsc';
import { findBodyFault } from './body-fault.ts';
import { EventError } from './errors.ts';
import { findInvalidFields } from './invalid-value.ts';
import { compileWriterSchema, shortName, type SchemaRegistry, type WriterSchema } from './schema-registry.ts';
import { HEADER_LENGTH, readFingerprint, singleObjectHeader } from './single-object.ts';

export interface EventCodec<T> {
  /** The record's name, e.g. ToolCallEvent. */
  readonly name: string;
  /** CRC-64-AVRO of the reader schema's canonical form, little-endian (header bytes 2..9). */
  readonly fingerprint: Buffer;
  /** Single-object bytes; throws EventError INVALID_EVENT naming the field. */
  encode(event: T): Buffer;
  /** Throws EventError (never retriable) for anything that is not a valid event. */
  decode(bytes: Buffer): T;
}

export class AvroEventCodec<T> implements EventCodec<T> {
  readonly name: string;
  readonly fingerprint: Buffer;
  readonly fullName: string;
  readonly #reader: WriterSchema;
  readonly #header: Buffer;
  readonly #registry: SchemaRegistry;
  /** Per writer fingerprint: how to read it as this codec's schema, or why it cannot be. */
  readonly #resolvers = new Map<string, avsc.Resolver | { readonly mismatch: string; readonly cause: unknown }>();

  /**
   * `schema` is what encode writes and what decode returns. It is added to
   * `registry` (which supplies the writer schemas) so codecs sharing the
   * registry read each other's messages. The reader keeps its own compiled
   * type: defaults, which resolution uses, are not part of the fingerprint.
   */
  constructor(schema: unknown, registry: SchemaRegistry) {
    this.#registry = registry;
    this.#reader = compileWriterSchema(schema);
    registry.add(this.#reader);
    this.name = shortName(this.#reader.type);
    this.fullName = this.#reader.fullName;
    this.fingerprint = this.#reader.fingerprint;
    this.#header = singleObjectHeader(this.fingerprint);
  }

  encode(event: T): Buffer {
    const type = this.#reader.type;
    const invalid = findInvalidFields(type, event);
    if (invalid.length > 0) {
      const list = invalid.map((i) => `${i.field || 'event'}: ${i.problem}`).join('; ');
      throw new EventError('INVALID_EVENT', `invalid ${this.name}: ${list}`, { field: invalid[0]?.field });
    }
    return writeFramed(this.#header, type, event);
  }

  decode(bytes: Buffer): T {
    const fingerprintHex = readFingerprint(bytes);
    const writer = this.#registry.get(fingerprintHex);
    if (!writer) {
      throw new EventError('UNKNOWN_FINGERPRINT', `no known schema has fingerprint ${fingerprintHex} (reading ${this.name})`);
    }
    return this.decodeWritten(writer, bytes);
  }

  /** Decodes bytes whose header names `writer` (already looked up, e.g. by decodeAny). */
  decodeWritten(writer: WriterSchema, bytes: Buffer): T {
    const resolver = this.#resolverFor(writer);
    if (writer.needsPrescan) throwBodyFault(writer, bytes);
    let decoded: { value: unknown; offset: number };
    try {
      decoded = this.#reader.type.decode(bytes, HEADER_LENGTH, resolver);
    } catch (cause) {
      throwBodyFault(writer, bytes, cause);
      throw new EventError('CORRUPT_BODY', `${this.name} body does not decode: ${String(cause)}`, { cause });
    }
    if (decoded.offset === -1) {
      throwBodyFault(writer, bytes);
      throw new EventError('TRUNCATED', `${this.name} body runs past the end of the message`);
    }
    if (decoded.offset !== bytes.length) {
      throw new EventError('TRAILING_BYTES', `${bytes.length - decoded.offset} byte(s) left after the ${this.name} body`);
    }
    // avsc returns instances of a generated class; callers get plain objects
    // (structural equality, JSON, spreading all behave as for any event).
    return { ...(decoded.value as object) } as T;
  }

  #resolverFor(writer: WriterSchema): avsc.Resolver | undefined {
    // Same canonical form, same bytes: no resolution needed.
    if (writer.fingerprintHex === this.#reader.fingerprintHex) return undefined;
    let resolver = this.#resolvers.get(writer.fingerprintHex);
    if (resolver === undefined) {
      try {
        if (writer.fullName !== this.fullName) throw new Error('another record');
        resolver = this.#reader.type.createResolver(writer.type);
      } catch (cause) {
        const why = cause instanceof Error ? cause.message : String(cause);
        resolver = { mismatch: `schema ${writer.fingerprintHex} (${writer.fullName}) cannot be read as ${this.name}: ${why}`, cause };
      }
      this.#resolvers.set(writer.fingerprintHex, resolver);
    }
    if ('mismatch' in resolver) throw new EventError('SCHEMA_MISMATCH', resolver.mismatch, { cause: resolver.cause });
    return resolver;
  }
}

/** Throws the precise fault if the walk finds one; returns if the body looks sound. */
function throwBodyFault(writer: WriterSchema, bytes: Buffer, cause?: unknown): void {
  const fault = findBodyFault(writer.type, bytes, HEADER_LENGTH);
  if (fault) throw new EventError(fault.code, `${shortName(writer.type)}: ${fault.message}`, { cause, field: fault.field });
}

/**
 * Encodes header + body into a scratch buffer shared by all codecs (encoding
 * is synchronous), then copies out exactly the bytes used: one allocation per
 * event instead of a body buffer and a concatenation.
 */
let scratch = Buffer.allocUnsafe(16 * 1024);
const MAX_KEPT_SCRATCH = 1024 * 1024;

function writeFramed(header: Buffer, type: avsc.Type, value: unknown): Buffer {
  let target = scratch;
  let end = type.encode(value, target, HEADER_LENGTH);
  if (end < 0) {
    // avsc returns minus the number of bytes missing.
    target = Buffer.allocUnsafe(Math.max(2 * target.length, target.length - end));
    if (target.length <= MAX_KEPT_SCRATCH) scratch = target;
    end = type.encode(value, target, HEADER_LENGTH);
  }
  header.copy(target, 0);
  const out = Buffer.allocUnsafe(end);
  target.copy(out, 0, 0, end);
  return out;
}
