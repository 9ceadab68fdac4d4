// Where the event schemas live: schemas/avro/*.avsc are the current versions
// (and the source of the generated types); schemas/avro/history/*.avsc are
// earlier versions kept so their messages, still in the log, stay readable.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { SchemaRegistry } from './schema-registry.ts';

export const SCHEMA_DIR = new URL('../../../schemas/avro/', import.meta.url);
export const HISTORY_DIR = new URL('history/', SCHEMA_DIR);

export function readSchemaFile(fileName: string, dir: URL = SCHEMA_DIR): unknown {
  return JSON.parse(readFileSync(new URL(fileName, dir), 'utf8'));
}

/** Registers every .avsc file in `dir` (none if it does not exist); returns how many. */
export function registerSchemaDir(registry: SchemaRegistry, dir: URL): number {
  if (!existsSync(dir)) return 0;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.avsc'))
    .sort();
  for (const file of files) registry.register(readSchemaFile(file, dir));
  return files.length;
}
