// A setting: one typed, documented configuration value that can come from an
// environment variable or a command-line flag. Apps declare their settings as a
// record of these and get a typed, validated object back (see load-config.ts).

export interface Setting<T> {
  readonly env: string;
  /** Command-line flag without dashes, e.g. `bus` for `--bus`. */
  readonly flag?: string;
  readonly doc: string;
  readonly default: T;
  /** Human form of the accepted values, for errors and the README table. */
  readonly accepts: string;
  /** Parses the raw text; returns an error message when it is not acceptable. */
  parse(raw: string): { ok: true; value: T } | { ok: false; reason: string };
  /** Secrets are shown as `***` when a config is printed. */
  readonly secret?: boolean;
}

interface Common {
  env: string;
  flag?: string;
  doc: string;
}

export function stringSetting(o: Common & { default: string; pattern?: RegExp; secret?: boolean }): Setting<string> {
  return {
    ...o,
    accepts: o.pattern ? `text matching ${o.pattern}` : 'text',
    parse(raw) {
      if (o.pattern && !o.pattern.test(raw)) return { ok: false, reason: `must match ${o.pattern}` };
      return { ok: true, value: raw };
    },
  };
}

export function intSetting(o: Common & { default: number; min: number; max: number }): Setting<number> {
  return {
    ...o,
    accepts: `integer ${o.min}–${o.max}`,
    parse(raw) {
      if (!/^-?\d+$/.test(raw.trim())) return { ok: false, reason: 'must be an integer' };
      const n = Number(raw);
      if (n < o.min || n > o.max) return { ok: false, reason: `must be between ${o.min} and ${o.max}` };
      return { ok: true, value: n };
    },
  };
}

export function numberSetting(o: Common & { default: number; min: number; max: number }): Setting<number> {
  return {
    ...o,
    accepts: `number ${o.min}–${o.max}`,
    parse(raw) {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) return { ok: false, reason: 'must be a number' };
      if (n < o.min || n > o.max) return { ok: false, reason: `must be between ${o.min} and ${o.max}` };
      return { ok: true, value: n };
    },
  };
}

export function enumSetting<const V extends string>(o: Common & { default: V; values: readonly V[] }): Setting<V> {
  return {
    ...o,
    accepts: o.values.join(' \\| '),
    parse(raw) {
      return (o.values as readonly string[]).includes(raw)
        ? { ok: true, value: raw as V }
        : { ok: false, reason: `must be one of ${o.values.join(', ')}` };
    },
  };
}

export function listSetting(o: Common & { default: readonly string[] }): Setting<readonly string[]> {
  return {
    ...o,
    accepts: 'comma-separated list',
    parse(raw) {
      const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
      return items.length ? { ok: true, value: items } : { ok: false, reason: 'must list at least one item' };
    },
  };
}

export function boolSetting(o: Common & { default: boolean }): Setting<boolean> {
  return {
    ...o,
    accepts: 'true \\| false',
    parse(raw) {
      if (/^(1|true|yes|on)$/i.test(raw)) return { ok: true, value: true };
      if (/^(0|false|no|off)$/i.test(raw)) return { ok: true, value: false };
      return { ok: false, reason: 'must be true or false' };
    },
  };
}

/**
 * A comma-separated list whose items each parse into a value; an item that
 * does not parse stops start-up with its parser's message. May be empty.
 */
export function itemListSetting<T>(o: Common & { default: readonly T[]; accepts: string; parseItem: (item: string) => T }): Setting<readonly T[]> {
  return {
    ...o,
    parse(raw) {
      try {
        return { ok: true, value: raw.split(',').map((s) => s.trim()).filter(Boolean).map(o.parseItem) };
      } catch (e) {
        return { ok: false, reason: e instanceof Error ? e.message : String(e) };
      }
    },
  };
}
