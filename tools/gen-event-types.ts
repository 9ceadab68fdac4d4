// Generates libs/events/src/event-types.generated.ts from schemas/avro/*.avsc,
// so the event shapes and enum symbols are written once, in the schemas.
//
//   npm run gen              rewrite the generated file
//   npm run gen -- --check   exit 1 if the committed file differs (CI drift check)
//
// --schemas DIR and --out FILE point it elsewhere (the tests use them).
// Mapping: long/int/float/double → number (timestamp-millis is epoch ms; avsc
// decodes longs as numbers and refuses values beyond ±(2^53 - 2)), ["null", T] →
// T | null, enum → a string-literal union plus an `as const` symbol array.
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import avsc from 'avsc';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

type Json = Record<string, unknown>;

const PRIMITIVE_TS: Readonly<Record<string, string>> = {
  null: 'null',
  boolean: 'boolean',
  int: 'number',
  long: 'number',
  float: 'number',
  double: 'number',
  bytes: 'Buffer',
  string: 'string',
};

/** Collects the TypeScript declarations of every named type, in order of definition. */
class Generator {
  readonly records: string[] = [];
  readonly enums: string[] = [];
  /** Full Avro name → TypeScript name, to resolve references and catch clashes. */
  readonly #names = new Map<string, string>();
  #source = '';

  file(source: string, schema: unknown): void {
    this.#source = source;
    // Let avsc reject an invalid schema before anything is generated from it.
    const type = avsc.Type.forSchema(schema as avsc.Schema, { wrapUnions: false });
    if (type.typeName !== 'record') throw new Error(`${source}: an event schema must be a record, not ${type.typeName}`);
    this.tsType(schema, '');
  }

  tsType(schema: unknown, namespace: string): string {
    if (typeof schema === 'string') return PRIMITIVE_TS[schema] ?? this.reference(schema, namespace);
    if (Array.isArray(schema)) {
      const branches = schema.map((b) => this.tsType(b, namespace));
      // Put null last: `string | null` reads as "a string, or nothing".
      return [...branches.filter((b) => b !== 'null'), ...branches.filter((b) => b === 'null')].join(' | ');
    }
    const s = schema as Json;
    const type = s['type'];
    if (typeof type !== 'string') return this.tsType(type, namespace);
    switch (type) {
      case 'array':
        return `readonly ${this.wrap(this.tsType(s['items'], namespace))}[]`;
      case 'map':
        return `Readonly<Record<string, ${this.tsType(s['values'], namespace)}>>`;
      case 'enum':
        return this.enumType(s, namespace);
      case 'record':
      case 'error':
        return this.recordType(s, namespace);
      case 'fixed':
        this.define(s, namespace);
        return 'Buffer';
      default:
        return this.tsType(type, namespace);
    }
  }

  private wrap(ts: string): string {
    return ts.includes(' ') ? `(${ts})` : ts;
  }

  private reference(name: string, namespace: string): string {
    const candidates = name.includes('.') ? [name] : [namespace ? `${namespace}.${name}` : name, name];
    for (const c of candidates) {
      const ts = this.#names.get(c);
      if (ts) return ts;
    }
    throw new Error(`${this.#source}: reference to undefined type ${name}`);
  }

  private define(s: Json, namespace: string): { fullName: string; tsName: string; inner: string } {
    const name = String(s['name']);
    const ns = name.includes('.') ? '' : typeof s['namespace'] === 'string' ? s['namespace'] : namespace;
    const fullName = name.includes('.') ? name : ns ? `${ns}.${name}` : name;
    const tsName = fullName.slice(fullName.lastIndexOf('.') + 1);
    for (const [other, otherTs] of this.#names) {
      if (otherTs === tsName) throw new Error(`${this.#source}: ${fullName} and ${other} would both be called ${tsName}`);
    }
    this.#names.set(fullName, tsName);
    return { fullName, tsName, inner: fullName.slice(0, Math.max(0, fullName.lastIndexOf('.'))) };
  }

  private enumType(s: Json, namespace: string): string {
    const { fullName, tsName } = this.define(s, namespace);
    const symbols = s['symbols'] as string[];
    const constName = pluralConstant(tsName);
    const unknown = typeof s['default'] === 'string' ? `; readers map symbols they do not know to '${s['default']}'` : '';
    const text =
      jsdoc([s['doc'], `Avro enum ${fullName}${unknown}.`], '') +
      `export const ${constName} = [${symbols.map((x) => `'${x}'`).join(', ')}] as const;\n` +
      `export type ${tsName} = (typeof ${constName})[number];`;
    this.enums.push(text);
    return tsName;
  }

  private recordType(s: Json, namespace: string): string {
    const { fullName, tsName, inner } = this.define(s, namespace);
    const fields = (s['fields'] as Json[]).map((f) => {
      const logical = logicalTypeOf(f['type']);
      const note = logical === 'timestamp-millis' ? 'Epoch milliseconds (timestamp-millis).' : logical ? `Logical type ${logical}.` : undefined;
      return `${jsdoc([f['doc'], note], '  ')}  readonly ${String(f['name'])}: ${this.tsType(f['type'], inner)};`;
    });
    const text = `${jsdoc([s['doc'], `Avro record ${fullName} (${this.#source}).`], '')}export interface ${tsName} {\n${fields.join('\n')}\n}`;
    this.records.push(text);
    return tsName;
  }
}

function logicalTypeOf(schema: unknown): string | undefined {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return undefined;
  const logical = (schema as Json)['logicalType'];
  return typeof logical === 'string' ? logical : undefined;
}

/** CallOutcome → CALL_OUTCOMES, PolicyDecision → POLICY_DECISIONS. */
function pluralConstant(tsName: string): string {
  const snake = tsName.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
  if (/(S|X|CH|SH)$/.test(snake)) return `${snake}ES`;
  if (/[^AEIOU]Y$/.test(snake)) return `${snake.slice(0, -1)}IES`;
  return `${snake}S`;
}

function jsdoc(parts: readonly unknown[], indent: string): string {
  const text = parts.filter((p): p is string => typeof p === 'string' && p !== '').join(' ');
  return text ? `${indent}/** ${text.replace(/\*\//g, '*\\/')} */\n` : '';
}

export function renderEventTypes(schemaDir: string): string {
  const files = readdirSync(schemaDir)
    .filter((f) => f.endsWith('.avsc'))
    .sort();
  if (files.length === 0) throw new Error(`no .avsc files in ${schemaDir}`);
  const gen = new Generator();
  for (const file of files) {
    // The bare file name, so the output does not depend on where the schemas were read from.
    gen.file(file, JSON.parse(readFileSync(join(schemaDir, file), 'utf8')));
  }
  const header = [
    '// Generated by tools/gen-event-types.ts from schemas/avro/*.avsc: do not edit.',
    '// After changing a schema run `npm run gen`; `npm run gen -- --check` fails on drift.',
  ].join('\n');
  const body = [...gen.records, ...gen.enums];
  return `${header}\n\n${body.join('\n\n')}\n`;
}

function main(argv: readonly string[]): number {
  const flag = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i === -1 ? undefined : argv[i + 1];
  };
  const schemaDir = resolve(flag('--schemas') ?? join(ROOT, 'schemas/avro'));
  const out = resolve(flag('--out') ?? join(ROOT, 'libs/events/src/event-types.generated.ts'));
  const rendered = renderEventTypes(schemaDir);
  const shown = relative(process.cwd(), out) || basename(out);
  if (argv.includes('--check')) {
    if (existsSync(out) && readFileSync(out, 'utf8') === rendered) return 0;
    console.error(`${shown} is out of date with ${relative(process.cwd(), schemaDir)}/*.avsc: run \`npm run gen\` and commit the result.`);
    return 1;
  }
  writeFileSync(out, rendered);
  console.log(`wrote ${shown}`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
