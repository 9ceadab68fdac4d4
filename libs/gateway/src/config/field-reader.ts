// Typed reads from an untrusted parsed document, each failure naming the
// setting by its path (`upstreams[1].timeoutMs`). Problems are collected, not
// thrown one by one, so a bad file is reported whole in one go.

export type Doc = Readonly<Record<string, unknown>>;

export class FieldReader {
  readonly problems: string[] = [];

  problem(path: string, message: string): void {
    this.problems.push(`${path}: ${message}`);
  }

  object(value: unknown, path: string, allowed: readonly string[]): Doc {
    if (value === undefined || value === null) return {};
    if (typeof value !== 'object' || Array.isArray(value)) {
      this.problem(path || '(file)', 'must be a mapping (object)');
      return {};
    }
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) this.problem(join(path, key), `unknown setting (expected one of: ${allowed.join(', ')})`);
    }
    return value as Doc;
  }

  list(doc: Doc, key: string, path: string): readonly unknown[] {
    const value = doc[key];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      this.problem(join(path, key), 'must be a list');
      return [];
    }
    return value;
  }

  string(doc: Doc, key: string, path: string, options: { default?: string; pattern?: RegExp; hint?: string } = {}): string {
    const value = doc[key];
    if (value === undefined || value === null) {
      if (options.default !== undefined) return options.default;
      this.problem(join(path, key), 'required');
      return '';
    }
    if (typeof value !== 'string' || value.length === 0) {
      this.problem(join(path, key), 'must be a non-empty string');
      return '';
    }
    if (options.pattern && !options.pattern.test(value)) {
      this.problem(join(path, key), `invalid value ${JSON.stringify(value)}${options.hint ? ` (${options.hint})` : ''}`);
    }
    return value;
  }

  strings(doc: Doc, key: string, path: string): string[] {
    return this.list(doc, key, path).flatMap((item, i) => {
      if (typeof item === 'string' && item.length > 0) return [item];
      this.problem(`${join(path, key)}[${i}]`, 'must be a non-empty string');
      return [];
    });
  }

  stringMap(doc: Doc, key: string, path: string): Record<string, string> {
    const value = doc[key];
    if (value === undefined || value === null) return {};
    if (typeof value !== 'object' || Array.isArray(value)) {
      this.problem(join(path, key), 'must be a mapping of names to strings');
      return {};
    }
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === 'string') out[k] = v;
      else this.problem(join(path, `${key}.${k}`), 'must be a string');
    }
    return out;
  }

  int(doc: Doc, key: string, path: string, options: { default: number; min: number; max: number }): number {
    const value = doc[key];
    if (value === undefined || value === null) return options.default;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < options.min || value > options.max) {
      this.problem(join(path, key), `must be an integer from ${options.min} to ${options.max} (got ${JSON.stringify(value)})`);
      return options.default;
    }
    return value;
  }

  bool(doc: Doc, key: string, path: string, fallback: boolean): boolean {
    const value = doc[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'boolean') {
      this.problem(join(path, key), 'must be true or false');
      return fallback;
    }
    return value;
  }

  oneOf<T extends string>(doc: Doc, key: string, path: string, values: readonly T[], fallback: T): T {
    const value = doc[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) {
      this.problem(join(path, key), `must be one of ${values.join(', ')} (got ${JSON.stringify(value)})`);
      return fallback;
    }
    return value as T;
  }
}

export function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
