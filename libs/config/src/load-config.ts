import type { Setting } from './setting.ts';

export type SettingsSpec = Record<string, Setting<unknown>>;
export type ConfigOf<S extends SettingsSpec> = { readonly [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

export const CONFIG_ERROR_CODES = ['INVALID_SETTING', 'UNKNOWN_FLAG', 'MISSING_FLAG_VALUE'] as const;
export type ConfigErrorCode = (typeof CONFIG_ERROR_CODES)[number];

export class ConfigError extends Error {
  readonly retriable = false;
  constructor(
    readonly code: ConfigErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface LoadSources {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Command-line arguments after the command name: `--flag value` or `--flag=value`. */
  readonly argv?: readonly string[];
}

/**
 * Builds the typed config: a flag wins over its environment variable, which
 * wins over the default. Fails fast with a message naming the setting, both
 * its flag and its variable, so an operator knows what to fix.
 */
export function loadConfig<S extends SettingsSpec>(spec: S, sources: LoadSources = {}): ConfigOf<S> {
  const flags = parseFlags(spec, sources.argv ?? []);
  const env = sources.env ?? {};
  const out: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(spec)) {
    const fromFlag = setting.flag !== undefined ? flags.get(setting.flag) : undefined;
    const raw = fromFlag ?? env[setting.env];
    if (raw === undefined || raw === '') {
      out[key] = setting.default;
      continue;
    }
    const parsed = setting.parse(raw);
    if (!parsed.ok) {
      const where = fromFlag !== undefined ? `--${setting.flag}` : setting.env;
      const shown = setting.secret ? '***' : JSON.stringify(raw);
      throw new ConfigError('INVALID_SETTING', `invalid ${where}=${shown}: ${parsed.reason} (${setting.doc})`);
    }
    out[key] = parsed.value;
  }
  return out as ConfigOf<S>;
}

function parseFlags(spec: SettingsSpec, argv: readonly string[]): Map<string, string> {
  const known = new Set(Object.values(spec).flatMap((s) => (s.flag ? [s.flag] : [])));
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) throw new ConfigError('UNKNOWN_FLAG', `unexpected argument ${JSON.stringify(arg)}`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    if (!known.has(name)) throw new ConfigError('UNKNOWN_FLAG', `unknown flag --${name} (see --help)`);
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      i++;
    }
    if (value === undefined) throw new ConfigError('MISSING_FLAG_VALUE', `flag --${name} needs a value`);
    flags.set(name, value);
  }
  return flags;
}

/** Config as printable text with secrets masked, for start-up logs. */
export function describeConfig<S extends SettingsSpec>(spec: S, config: ConfigOf<S>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(spec)) {
    const value = (config as Record<string, unknown>)[key];
    out[key] = setting.secret && value ? '***' : value;
  }
  return out;
}

/** Lines of `--help` text for a spec. */
export function helpText<S extends SettingsSpec>(spec: S): string {
  const rows = Object.values(spec).map((s) => {
    const flag = s.flag ? `--${s.flag} <v>` : '';
    const def = s.secret ? '' : ` [default: ${formatDefault(s.default)}]`;
    return `  ${flag.padEnd(26)} ${s.env.padEnd(28)} ${s.doc}${def}`;
  });
  return rows.join('\n');
}

/** Markdown table rows for the README's configuration table. */
export function markdownTable<S extends SettingsSpec>(spec: S): string {
  const head = '| Variable | Flag | Default | Accepts | Meaning |\n| --- | --- | --- | --- | --- |';
  const rows = Object.values(spec).map(
    (s) =>
      `| \`${s.env}\` | ${s.flag ? `\`--${s.flag}\`` : ''} | ${s.secret ? '' : `\`${formatDefault(s.default)}\``} | ${s.accepts} | ${s.doc} |`,
  );
  return [head, ...rows].join('\n');
}

function formatDefault(v: unknown): string {
  if (Array.isArray(v)) return v.join(',');
  if (v === '') return '(empty)';
  return String(v);
}
