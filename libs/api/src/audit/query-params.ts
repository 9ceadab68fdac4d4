// Query-string pieces the audit and token routes share: their JSON Schemas
// (validated by fastify before a handler runs) and the checks a schema cannot
// express (a real date, from before to, a parseable q), each failing with 400
// naming the parameter.
import { parseAuditText, type AuditTextQuery } from '@mcpg/store';
import { invalidParameter } from '../api-errors.ts';

// ISO 8601 date or date-time; a time without an offset is UTC.
const ISO_TIME = '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:?\\d{2})?)?$';

export const timeParam = (what: string) =>
  ({ type: 'string', pattern: ISO_TIME, maxLength: 40, description: `${what}: ISO 8601 date or date-time (UTC unless an offset is given)` }) as const;

export const labelParam = (what: string) => ({ type: 'string', minLength: 1, maxLength: 256, description: what }) as const;

export const qParam = {
  type: 'string',
  maxLength: 1024,
  description: 'Full text: every word must occur; "quoted phrase" as consecutive words; -word or -"phrase" excludes. Words are split like the index (letters and digits; punctuation separates, case is ignored).',
} as const;

export const formatParam = { type: 'string', enum: ['json', 'csv'], description: 'csv: the whole result as a CSV download (also with Accept: text/csv)' } as const;

/** Epoch ms of an ISO parameter that passed the schema pattern; 400 if it is no real date (2026-02-30). */
export function parseTime(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(value) && value.includes('T');
  const text = value.includes('T') ? (hasZone ? value : `${value}Z`) : `${value}T00:00:00Z`;
  const ms = Date.parse(text);
  const [y, m, d] = value.slice(0, 10).split('-').map(Number);
  // Date.parse rolls 2026-02-30 over to March; a calendar check catches it.
  const calendar = new Date(Date.UTC(y!, m! - 1, d!));
  if (Number.isNaN(ms) || calendar.getUTCMonth() !== m! - 1 || calendar.getUTCDate() !== d!) throw invalidParameter(name, 'is not a valid date');
  if (ms < 0 || ms > 253_402_300_799_999) throw invalidParameter(name, 'must be between 1970 and 9999');
  return ms;
}

/** from/to as a half-open range [from, to); 400 naming `from` if it is not before `to`. */
export function parseRange(query: { from?: string; to?: string }): { fromMs?: number; toMs?: number } {
  const fromMs = parseTime('from', query.from);
  const toMs = parseTime('to', query.to);
  if (fromMs !== undefined && toMs !== undefined && fromMs >= toMs) throw invalidParameter('from', 'must be before to');
  return { ...(fromMs === undefined ? {} : { fromMs }), ...(toMs === undefined ? {} : { toMs }) };
}

export function parseQ(q: string | undefined): AuditTextQuery | undefined {
  if (q === undefined) return undefined;
  const parsed = parseAuditText(q);
  if (!parsed.ok) throw invalidParameter('q', parsed.reason);
  return parsed.query;
}

/** Comma-separated values of a list parameter (empty items dropped). */
export function parseList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = [...new Set(value.split(',').map((s) => s.trim()).filter(Boolean))];
  return items.length > 0 ? items : undefined;
}
