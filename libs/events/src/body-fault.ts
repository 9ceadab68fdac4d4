// Finds why an Avro body does not decode, walking the bytes against the
// writer's schema. avsc reports a negative length the same way as running off
// the end (an invalid tap), and throws bare messages for bad indices; this walk
// tells TRUNCATED from CORRUPT_BODY and names the field, so a dead-letter reason
// says what is wrong. It also guards avsc where it has no bound of its own
// (array and map block counts). Off the hot path: it runs only for schemas with
// arrays or maps, and after avsc has failed.
import avsc from 'avsc';
import { AVSC_MAX_LONG, shortName } from './schema-registry.ts';

export interface BodyFault {
  readonly code: 'TRUNCATED' | 'CORRUPT_BODY' | 'TRAILING_BYTES';
  readonly message: string;
  /** Dotted path of the field being read, '' for the record itself. */
  readonly field: string;
}

/** Zero-width array items (nulls, empty records) cost no bytes, so only a count bounds them. */
const MAX_ZERO_WIDTH_ITEMS = 1_000_000;
const INT_MIN = -(2n ** 31n);
const INT_MAX = 2n ** 31n - 1n;
const LONG_MIN = BigInt(-AVSC_MAX_LONG);
const LONG_MAX = BigInt(AVSC_MAX_LONG);

class Fault extends Error {
  constructor(
    readonly code: BodyFault['code'],
    readonly detail: string,
  ) {
    super(detail);
  }
}

/** Undefined when the bytes from `start` are exactly one valid encoding of `type`. */
export function findBodyFault(type: avsc.Type, bytes: Buffer, start: number): BodyFault | undefined {
  const walk = new Walk(bytes, start);
  try {
    walk.value(type);
  } catch (e) {
    if (!(e instanceof Fault)) throw e;
    return { code: e.code, message: `${e.detail} (${walk.where()})`, field: walk.path.join('.') };
  }
  if (walk.pos !== bytes.length) {
    const extra = bytes.length - walk.pos;
    return { code: 'TRAILING_BYTES', message: `${extra} byte(s) left after the body ends at byte ${walk.pos}`, field: '' };
  }
  return undefined;
}

class Walk {
  readonly path: string[] = [];
  #zeroWidthItems = 0;

  constructor(
    readonly bytes: Buffer,
    public pos: number,
  ) {}

  where(): string {
    return `at byte ${this.pos}${this.path.length ? `, field ${this.path.join('.')}` : ''}`;
  }

  value(type: avsc.Type): void {
    switch (type.typeName) {
      case 'null':
        return;
      case 'boolean': {
        const b = this.take(1, 'boolean')[0] as number;
        if (b > 1) throw new Fault('CORRUPT_BODY', `boolean byte ${b} is neither 0 nor 1`);
        return;
      }
      case 'int':
        this.integer('int', INT_MIN, INT_MAX);
        return;
      case 'long':
        this.integer('long', LONG_MIN, LONG_MAX);
        return;
      case 'float':
        this.take(4, 'float');
        return;
      case 'double':
        this.take(8, 'double');
        return;
      case 'bytes':
      case 'string':
        this.take(this.length(type.typeName), type.typeName);
        return;
      case 'fixed':
        this.take((type as avsc.types.FixedType).size, 'fixed');
        return;
      case 'enum': {
        const symbols = (type as avsc.types.EnumType).symbols;
        this.index(`${shortName(type)} enum`, symbols.length);
        return;
      }
      case 'union:unwrapped':
      case 'union:wrapped': {
        const branches = (type as avsc.types.UnwrappedUnionType).types;
        this.value(branches[this.index('union', branches.length)] as avsc.Type);
        return;
      }
      case 'array':
        this.blocks(type, (type as avsc.types.ArrayType).itemsType, false);
        return;
      case 'map':
        this.blocks(type, (type as avsc.types.MapType).valuesType as avsc.Type, true);
        return;
      case 'record':
      case 'error':
        for (const field of (type as avsc.types.RecordType).fields) {
          this.path.push(field.name);
          this.value(field.type);
          this.path.pop();
        }
        return;
      default:
        if (type instanceof avsc.types.LogicalType) return this.value(type.underlyingType);
        throw new Error(`no byte walk for Avro type ${type.typeName}`);
    }
  }

  private blocks(type: avsc.Type, items: avsc.Type, isMap: boolean): void {
    const width = minWidth(items) + (isMap ? 1 : 0);
    for (let index = 0; ; ) {
      let count = this.varint(`${type.typeName} block count`);
      if (count === 0n) return;
      if (count < 0n) {
        // A negative count is followed by the block's size in bytes, for skipping.
        count = -count;
        this.length(`${type.typeName} block size`);
      }
      const left = BigInt(this.bytes.length - this.pos);
      if (width > 0 && count * BigInt(width) > left) {
        throw new Fault('TRUNCATED', `${type.typeName} block of ${count} items needs at least ${count * BigInt(width)} bytes, ${left} left`);
      }
      if (width === 0) {
        this.#zeroWidthItems += Number(count);
        if (this.#zeroWidthItems > MAX_ZERO_WIDTH_ITEMS) {
          throw new Fault('CORRUPT_BODY', `more than ${MAX_ZERO_WIDTH_ITEMS} zero-width ${type.typeName} items`);
        }
      }
      for (let i = 0n; i < count; i++, index++) {
        this.path.push(String(index));
        if (isMap) this.take(this.length('map key'), 'map key');
        this.value(items);
        this.path.pop();
      }
    }
  }

  private take(n: number, what: string): Buffer {
    if (this.pos + n > this.bytes.length) {
      throw new Fault('TRUNCATED', `${what} needs ${n} byte(s), ${this.bytes.length - this.pos} left`);
    }
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  private length(what: string): number {
    const n = this.varint(`${what} length`);
    if (n < 0n) throw new Fault('CORRUPT_BODY', `negative ${what} length ${n}`);
    const left = this.bytes.length - this.pos;
    if (n > BigInt(left)) throw new Fault('TRUNCATED', `${what} length ${n} exceeds the ${left} byte(s) left`);
    return Number(n);
  }

  private index(what: string, size: number): number {
    const i = this.varint(`${what} index`);
    if (i < 0n || i >= BigInt(size)) throw new Fault('CORRUPT_BODY', `${what} index ${i} is out of range 0..${size - 1}`);
    return Number(i);
  }

  private integer(what: string, min: bigint, max: bigint): void {
    const n = this.varint(what);
    if (n < min || n > max) throw new Fault('CORRUPT_BODY', `${what} ${n} is outside ${min}..${max}`);
  }

  /** A zig-zag varint of at most 64 bits (10 bytes), as BigInt so nothing is rounded. */
  private varint(what: string): bigint {
    let raw = 0n;
    for (let i = 0; ; i++) {
      if (this.pos >= this.bytes.length) throw new Fault('TRUNCATED', `${what} runs past the end`);
      if (i === 10) throw new Fault('CORRUPT_BODY', `${what} is a varint longer than 10 bytes`);
      const b = this.bytes[this.pos++] as number;
      raw |= BigInt(b & 0x7f) << BigInt(7 * i);
      if (!(b & 0x80)) break;
    }
    if (raw >> 64n) throw new Fault('CORRUPT_BODY', `${what} does not fit in 64 bits`);
    return raw & 1n ? -(raw >> 1n) - 1n : raw >> 1n;
  }
}

/** The fewest bytes one value of the type can take. */
function minWidth(type: avsc.Type): number {
  switch (type.typeName) {
    case 'null':
      return 0;
    case 'float':
      return 4;
    case 'double':
      return 8;
    case 'fixed':
      return (type as avsc.types.FixedType).size;
    case 'record':
    case 'error':
      return (type as avsc.types.RecordType).fields.reduce((sum, f) => sum + minWidth(f.type), 0);
    default:
      return type instanceof avsc.types.LogicalType ? minWidth(type.underlyingType) : 1;
  }
}
