// Every number the console shows carries its unit, and every time its zone.
// Integers are printed exactly (64-bit counts arrive as numbers below 2^53 or
// as decimal strings, and are grouped without going through a float).
import { signal } from '@preact/signals';

export type Zone = 'utc' | 'local';
const ZONE_KEY = 'mcpg.console.zone';
export const zone = signal<Zone>(readZone());
function readZone(): Zone {
  try {
    return localStorage.getItem(ZONE_KEY) === 'local' ? 'local' : 'utc';
  } catch {
    return 'utc';
  }
}
export function setZone(z: Zone): void {
  zone.value = z;
  try {
    localStorage.setItem(ZONE_KEY, z);
  } catch {
    /* a preference only */
  }
}

const DASH = '–';

/** 1234567 → "1,234,567"; "18446744073709551615" stays exact. */
export function int(n: number | string | null | undefined): string {
  if (n === null || n === undefined || n === '') return DASH;
  const s = typeof n === 'string' ? n : Number.isInteger(n) ? n.toFixed(0) : String(Math.round(n));
  const neg = s.startsWith('-');
  const digits = neg ? s.slice(1) : s;
  return (neg ? '-' : '') + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export const count = (n: number | string | null | undefined, unit: string): string => (n === null || n === undefined ? DASH : `${int(n)} ${unit}`);

/** Milliseconds with a unit that suits the size: "0.42 ms", "38.1 ms", "1.27 s". */
export function ms(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  if (v >= 10_000) return `${(v / 1000).toFixed(1)} s`;
  if (v >= 1000) return `${(v / 1000).toFixed(2)} s`;
  if (v >= 100) return `${v.toFixed(0)} ms`;
  if (v >= 10) return `${v.toFixed(1)} ms`;
  return `${v.toFixed(2)} ms`;
}

export function pct(v: number | null | undefined, digits = 2): string {
  return v === null || v === undefined || !Number.isFinite(v) ? DASH : `${(v * 100).toFixed(digits)} %`;
}

export function rate(v: number | null | undefined, unit = 'calls/s'): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${unit}`;
}

function parts(d: Date, utc: boolean) {
  return utc
    ? [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()]
    : [d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds()];
}
const p2 = (n: number | undefined) => String(n ?? 0).padStart(2, '0');

export function zoneLabel(z: Zone = zone.value): string {
  if (z === 'utc') return 'UTC';
  const off = -new Date().getTimezoneOffset();
  return `UTC${off >= 0 ? '+' : '-'}${p2(Math.floor(Math.abs(off) / 60))}:${p2(Math.abs(off) % 60)}`;
}

/** "2026-12-07 13:04:55 UTC" in the chosen zone; `withMs` adds milliseconds. */
export function time(t: number | string | null | undefined, withMs = false): string {
  if (t === null || t === undefined) return DASH;
  const d = new Date(t);
  if (Number.isNaN(d.getTime())) return DASH;
  const [y, mo, da, h, mi, s, msec] = parts(d, zone.value === 'utc');
  return `${y}-${p2(mo)}-${p2(da)} ${p2(h)}:${p2(mi)}:${p2(s)}${withMs ? `.${String(msec).padStart(3, '0')}` : ''} ${zoneLabel()}`;
}

/** Age of a moment as "42 s", "3 min", "2 h 5 min". */
export function age(fromMs: number, nowMs = Date.now()): string {
  const s = Math.max(0, Math.round((nowMs - fromMs) / 1000));
  if (s < 120) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 120) return `${m} min`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
