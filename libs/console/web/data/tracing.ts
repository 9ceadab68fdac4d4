// The trace exporter through the admin API: what runs, the presets, a switch.
import { api } from '../lib/session.ts';

export interface TracingView {
  readonly exporting: boolean;
  readonly preset: string;
  readonly protocol: string;
  readonly endpoint: string | null;
  /** Names only; every value is *** */
  readonly headers: Readonly<Record<string, string>>;
  readonly sampleRate: number;
}

export interface Preset {
  readonly name: string;
  readonly title: string;
  readonly protocols: readonly string[];
  readonly default_protocol: string;
  readonly endpoints: Readonly<Record<string, string>>;
  readonly required_headers: readonly { name: string; what: string }[];
  readonly region: { what: string; default?: string } | null;
  readonly note: string;
}

export interface TracingChange {
  preset: string;
  protocol?: string;
  endpoint?: string;
  region?: string;
  headers?: Record<string, string>;
  sampleRate: number;
}

export const fetchTracing = (signal: AbortSignal) =>
  Promise.all([api.get<TracingView>('/v1/admin/tracing', {}, signal), api.get<{ presets: Preset[] }>('/v1/admin/tracing/presets', {}, signal)]).then(([current, p]) => ({ current, presets: p.presets }));

export const applyTracing = (change: TracingChange) => api.put<TracingView>('/v1/admin/tracing', change);

/** "name=value" lines → headers; blank lines ignored. */
export function parseHeaderLines(text: string): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (const line of text.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const eq = line.indexOf('=');
    if (eq <= 0) return `header line "${line.slice(0, 40)}" is not name=value`;
    out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return out;
}
