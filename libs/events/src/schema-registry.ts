// Known writer schemas by fingerprint. Single-object encoding names the
// writer's schema only by its fingerprint, so a reader can decode a message
// only if it was given that schema: the current .avsc files and every earlier
// version still present in the log (replaying a topic from offset 0 must keep
// working after a schema change).
import avsc from 'avsc';
import { parsingCanonicalForm } from './canonical-form.ts';
import { crc64AvroBytes } from './crc64-avro.ts';

export interface WriterSchema {
  /** Full name of the event record, e.g. dev.mcpg.events.ToolCallEvent. */
  readonly fullName: string;
  /** CRC-64-AVRO of the canonical form, little-endian, as in the message header. */
  readonly fingerprint: Buffer;
  readonly fingerprintHex: string;
  readonly canonicalForm: string;
  readonly type: avsc.Type;
  /**
   * avsc decodes array and map blocks without checking the count against the
   * bytes left, so a forged count makes it loop (and allocate) for as long as
   * the count says. Messages of such schemas are checked before avsc sees them.
   */
  readonly needsPrescan: boolean;
}

/**
 * Compiles an event schema (a record) once. Unions stay unwrapped (`T | null`,
 * as the generated types say) and unknown logical types decode as their
 * underlying type (timestamp-millis as a number of epoch milliseconds).
 */
export function compileWriterSchema(schema: unknown): WriterSchema {
  const type = avsc.Type.forSchema(schema as avsc.Schema, { wrapUnions: false, omitRecordMethods: true });
  if (type.typeName !== 'record') throw new Error(`an event schema must be a record, not ${type.typeName}`);
  const canonicalForm = parsingCanonicalForm(schema);
  const fingerprint = crc64AvroBytes(Buffer.from(canonicalForm, 'utf8'));
  return {
    fullName: type.name as string,
    fingerprint,
    fingerprintHex: fingerprint.toString('hex'),
    canonicalForm,
    type,
    needsPrescan: hasRepeated(type, new Set()),
  };
}

/**
 * The largest long avsc reads or writes as a JS number: 2^53 - 2, one short of
 * Number.MAX_SAFE_INTEGER (its check keeps a margin). Larger values are refused
 * on encode and rejected as corrupt on decode rather than rounded.
 */
export const AVSC_MAX_LONG = 9_007_199_254_740_990;

/** ToolCallEvent for dev.mcpg.events.ToolCallEvent (avsc's `branchName` is the full name). */
export function shortName(type: avsc.Type): string {
  const name = type.name ?? type.typeName;
  return name.slice(name.lastIndexOf('.') + 1);
}

function hasRepeated(type: avsc.Type, seen: Set<avsc.Type>): boolean {
  if (seen.has(type)) return false;
  seen.add(type);
  if (type instanceof avsc.types.ArrayType || type instanceof avsc.types.MapType) return true;
  if (type instanceof avsc.types.RecordType) return type.fields.some((f) => hasRepeated(f.type, seen));
  if (type instanceof avsc.types.UnwrappedUnionType || type instanceof avsc.types.WrappedUnionType) {
    return type.types.some((t) => hasRepeated(t, seen));
  }
  if (type instanceof avsc.types.LogicalType) return hasRepeated(type.underlyingType, seen);
  return false;
}

export class SchemaRegistry {
  readonly #byFingerprint = new Map<string, WriterSchema>();

  /** Adds a schema (idempotent) and returns its compiled form. */
  register(schema: unknown): WriterSchema {
    return this.add(compileWriterSchema(schema));
  }

  /**
   * Adds a compiled schema; if one with the same fingerprint is known, that
   * one stays. Schemas differing only in docs or defaults share a fingerprint
   * (the canonical form drops them): the same bytes, so either reads them.
   */
  add(compiled: WriterSchema): WriterSchema {
    const known = this.#byFingerprint.get(compiled.fingerprintHex);
    if (known) {
      // 2^-64 per pair, but a collision would silently misread every message of one schema.
      if (known.canonicalForm !== compiled.canonicalForm) {
        throw new Error(`fingerprint collision between ${known.fullName} and ${compiled.fullName}`);
      }
      return known;
    }
    this.#byFingerprint.set(compiled.fingerprintHex, compiled);
    return compiled;
  }

  get(fingerprintHex: string): WriterSchema | undefined {
    return this.#byFingerprint.get(fingerprintHex);
  }

  all(): WriterSchema[] {
    return [...this.#byFingerprint.values()];
  }
}
