// Explains why a value does not fit a schema, field by field, for the
// INVALID_EVENT error of encode. Values are described by kind, not printed:
// events carry user data (arguments, error text) that must not leak into logs
// through an error message. Enum symbols are the exception, truncated, since a
// misspelt symbol is the usual mistake and says nothing about a user.
import avsc from 'avsc';
import { AVSC_MAX_LONG, shortName } from './schema-registry.ts';

export interface InvalidField {
  /** Dotted path, '' for the event itself. */
  readonly field: string;
  readonly problem: string;
}

/**
 * Empty when the value encodes. Undeclared fields count as invalid: a
 * misspelt optional field would otherwise be dropped silently and its default
 * written instead.
 */
export function findInvalidFields(type: avsc.Type, value: unknown): InvalidField[] {
  if (type.isValid(value, { noUndeclaredFields: true })) return [];
  const found: InvalidField[] = [];
  // avsc stops at a record with undeclared fields without looking inside it,
  // so wrong values and undeclared names are collected in separate passes.
  type.isValid(value, { errorHook: (path, val, t) => found.push({ field: path.join('.'), problem: problem(val, t) }) });
  type.isValid(value, {
    noUndeclaredFields: true,
    errorHook: (path, val, t) => {
      const extra = undeclared(val, t);
      if (extra.length > 0) found.push({ field: path.join('.'), problem: `undeclared field(s) ${extra.join(', ')}` });
    },
  });
  return found;
}

function undeclared(val: unknown, type: avsc.Type): string[] {
  if (!(type instanceof avsc.types.RecordType) || typeof val !== 'object' || val === null) return [];
  const declared = new Set(type.fields.map((f) => f.name));
  return Object.keys(val).filter((k) => !declared.has(k));
}

function problem(val: unknown, type: avsc.Type): string {
  if (val === undefined) return `missing (${describeType(type)})`;
  if (type instanceof avsc.types.EnumType && typeof val === 'string') {
    const shown = val.length > 40 ? `${val.slice(0, 40)}…` : val;
    return `${JSON.stringify(shown)} is not one of ${type.symbols.join('|')}`;
  }
  return `expected ${describeType(type)}, got ${describeValue(val)}`;
}

function describeType(type: avsc.Type): string {
  if (type instanceof avsc.types.UnwrappedUnionType || type instanceof avsc.types.WrappedUnionType) {
    const names = type.types.map(describeType);
    return [...names.filter((n) => n !== 'null'), ...names.filter((n) => n === 'null')].join(' or ');
  }
  if (type instanceof avsc.types.EnumType) return `${shortName(type)} (${type.symbols.join('|')})`;
  if (type instanceof avsc.types.RecordType || type instanceof avsc.types.FixedType) return `${shortName(type)} ${type.typeName}`;
  if (type instanceof avsc.types.ArrayType) return `array of ${describeType(type.itemsType)}`;
  if (type instanceof avsc.types.MapType) return `map of ${describeType(type.valuesType as avsc.Type)}`;
  if (type instanceof avsc.types.LogicalType) return describeType(type.underlyingType);
  if (type.typeName === 'long' || type.typeName === 'int') return `an integer (${type.typeName})`;
  return type.typeName;
}

function describeValue(val: unknown): string {
  if (val === null) return 'null';
  if (typeof val === 'number') {
    if (!Number.isInteger(val)) return Number.isFinite(val) ? 'a fractional number' : String(val);
    if (Math.abs(val) > AVSC_MAX_LONG) return 'an integer beyond ±(2^53 - 2), the most avsc encodes exactly';
    return 'a number';
  }
  if (Array.isArray(val)) return 'an array';
  if (Buffer.isBuffer(val)) return 'a Buffer';
  return `a ${typeof val}`;
}
