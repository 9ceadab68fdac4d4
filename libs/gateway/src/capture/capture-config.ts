// The gateway's payload capture settings (the `capture` section of its file):
// which orgs and workspaces capture, how often, how much, and which fields;
// and where the envelope keys are. Off unless a rule names the org.
import type { FieldReader, Doc } from '../config/field-reader.ts';

export type CaptureFields = 'arguments' | 'response' | 'both';

export interface CaptureRule {
  readonly org: string;
  /** Empty: every workspace of the org. */
  readonly workspaces: readonly string[];
  /** Share of calls captured, 0..1. */
  readonly sampleRate: number;
  /** Each payload is cut to this many bytes of masked JSON before sealing. */
  readonly maxBytes: number;
  readonly fields: CaptureFields;
}

export interface CaptureConfig {
  readonly keystoreFile: string;
  readonly kekFile: string;
  /** How often the keystore file is looked at for a rotation or a shred. */
  readonly keyRefreshMs: number;
  /** First rule matching the call's org and workspace decides. */
  readonly rules: readonly CaptureRule[];
  /** Topic of the sealed payloads. */
  readonly topic: string;
}

const MIB = 1024 * 1024;

export function readCaptureConfig(r: FieldReader, raw: unknown, defaultTopic: string): CaptureConfig {
  const c = r.object(raw, 'capture', ['keystoreFile', 'kekFile', 'keyRefreshMs', 'rules', 'topic']);
  const rules = r.list(c, 'rules', 'capture').map((rule, i) => readRule(r, rule, `capture.rules[${i}]`));
  const config: CaptureConfig = {
    keystoreFile: r.string(c, 'keystoreFile', 'capture', { default: '' }),
    kekFile: r.string(c, 'kekFile', 'capture', { default: '' }),
    keyRefreshMs: r.int(c, 'keyRefreshMs', 'capture', { default: 5_000, min: 100, max: 3_600_000 }),
    rules,
    topic: r.string(c, 'topic', 'capture', { default: defaultTopic, pattern: /^[A-Za-z0-9._-]{1,249}$/, hint: 'a Kafka topic name' }),
  };
  if (rules.length > 0 && (config.keystoreFile === '' || config.kekFile === '')) {
    r.problem('capture', 'capture rules need capture.keystoreFile and capture.kekFile (payloads are only ever sent sealed)');
  }
  return config;
}

function readRule(r: FieldReader, raw: unknown, path: string): CaptureRule {
  const d: Doc = r.object(raw, path, ['org', 'workspaces', 'sampleRate', 'maxBytes', 'fields']);
  const rate = d.sampleRate === undefined ? 1 : d.sampleRate;
  if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) r.problem(`${path}.sampleRate`, 'a number from 0 to 1');
  return {
    org: r.string(d, 'org', path),
    workspaces: r.strings(d, 'workspaces', path),
    sampleRate: typeof rate === 'number' && rate >= 0 && rate <= 1 ? rate : 0,
    maxBytes: r.int(d, 'maxBytes', path, { default: 16 * 1024, min: 1, max: 4 * MIB }),
    fields: r.oneOf(d, 'fields', path, ['arguments', 'response', 'both'] as const, 'both'),
  };
}
