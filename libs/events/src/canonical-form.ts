// Parsing Canonical Form (Avro specification, "Parsing Canonical Form for
// Schemas"): the one spelling of a schema that two writers of the same data
// agree on, so its fingerprint can identify the schema on the wire. Built from
// the JSON rather than from avsc's `schema()` so the wire fingerprint does not
// depend on how a library version chooses to print schemas.
//
// The transformations: primitives as bare names; names replaced by full names
// (namespaces resolved and dropped); only name, type, fields, symbols, items,
// values and size kept, in that order; no whitespace; a named type written in
// full the first time and by full name afterwards.

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
const NAMED = new Set(['record', 'error', 'enum', 'fixed']);

export function parsingCanonicalForm(schema: unknown): string {
  const defined = new Set<string>();
  return canon(schema, '', defined);
}

function canon(schema: unknown, namespace: string, defined: Set<string>): string {
  if (typeof schema === 'string') return JSON.stringify(PRIMITIVES.has(schema) ? schema : reference(schema, namespace, defined));
  if (Array.isArray(schema)) return `[${schema.map((branch) => canon(branch, namespace, defined)).join(',')}]`;
  if (schema === null || typeof schema !== 'object') throw new Error(`not an Avro schema: ${JSON.stringify(schema)}`);

  const s = schema as Record<string, unknown>;
  const type = s['type'];
  // {"type": {...}} or {"type": "int", "logicalType": ...}: only the underlying type matters for parsing.
  if (typeof type !== 'string') return canon(type, namespace, defined);
  if (type === 'array') return `{"type":"array","items":${canon(s['items'], namespace, defined)}}`;
  if (type === 'map') return `{"type":"map","values":${canon(s['values'], namespace, defined)}}`;
  if (!NAMED.has(type)) return canon(type, namespace, defined);

  const fullName = qualify(s['name'], s['namespace'], namespace);
  if (defined.has(fullName)) return JSON.stringify(fullName);
  defined.add(fullName);
  const head = `{"name":${JSON.stringify(fullName)},"type":${JSON.stringify(type)}`;
  if (type === 'enum') return `${head},"symbols":${JSON.stringify(s['symbols'])}}`;
  if (type === 'fixed') return `${head},"size":${JSON.stringify(s['size'])}}`;

  // Nested definitions inherit the namespace of the enclosing named type's full name.
  const inner = namespaceOf(fullName);
  const fields = s['fields'];
  if (!Array.isArray(fields)) throw new Error(`record ${fullName} has no fields array`);
  const body = fields.map((field: unknown) => {
    const f = field as Record<string, unknown>;
    return `{"name":${JSON.stringify(f['name'])},"type":${canon(f['type'], inner, defined)}}`;
  });
  return `${head},"fields":[${body.join(',')}]}`;
}

function qualify(name: unknown, explicitNamespace: unknown, enclosing: string): string {
  if (typeof name !== 'string' || name === '') throw new Error(`named type without a name: ${JSON.stringify(name)}`);
  if (name.includes('.')) return name;
  const ns = typeof explicitNamespace === 'string' ? explicitNamespace : enclosing;
  return ns ? `${ns}.${name}` : name;
}

/** A reference to an earlier definition: relative to the enclosing namespace, else the null namespace. */
function reference(name: string, namespace: string, defined: Set<string>): string {
  if (name.includes('.')) return name;
  const relative = namespace ? `${namespace}.${name}` : name;
  if (defined.has(relative)) return relative;
  if (defined.has(name)) return name;
  throw new Error(`reference to undefined type ${JSON.stringify(name)}`);
}

function namespaceOf(fullName: string): string {
  const dot = fullName.lastIndexOf('.');
  return dot === -1 ? '' : fullName.slice(0, dot);
}
