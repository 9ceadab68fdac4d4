// The Content-Type ClickHouse gives each output format.
export function contentTypeOf(format: string): string {
  const f = format.toLowerCase();
  if (f.startsWith('json')) return f === 'jsoneachrow' || f.endsWith('eachrow') || f.includes('compacteachrow') ? 'application/x-ndjson; charset=UTF-8' : 'application/json; charset=UTF-8';
  if (f.startsWith('csv')) return 'text/csv; charset=UTF-8; header=absent';
  if (f.startsWith('tabseparated') || f.startsWith('tsv')) return 'text/tab-separated-values; charset=UTF-8';
  if (f.startsWith('pretty') || f === 'vertical' || f === 'markdown' || f === 'values') return 'text/plain; charset=UTF-8';
  return 'application/octet-stream';
}
