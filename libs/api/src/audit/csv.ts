// CSV cells as RFC 4180 has them: CRLF line ends, fields quoted when they
// hold a comma, quote, CR or LF (quotes doubled). Exports use it for their
// header line; ClickHouse formats the rows with the same rules. Text cells that a
// spreadsheet would run as a formula — starting with = + - @, or a tab or CR
// that some apps strip first — get a leading apostrophe (OWASP's advice), so
// an exported audit row can never execute in the analyst's spreadsheet.
// Numbers are written as numbers (a negative number is data, not a formula).

export type CsvValue = string | number | null | undefined;

const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
