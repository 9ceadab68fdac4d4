// The export file an auditor verifies offline (`mcpg export-audit`, the API's
// export endpoint, `mcpg verify`): NDJSON, one JSON object per line, told
// apart by their keys:
//   {"mcpg_ledger_export":1,"org":"acme"}              header, first line
//   {"checkpoint":"<signed note text>"}                 a signed checkpoint, verbatim
//   {"pruned":{"tree_size":"40","frontier":[…]}}       (version 2) rows before 40 expired: their subtree hashes
//   {"seq":"0","org":"acme",…,"leaf_hash":…,"prev_hash":…}   a row (exportedRowToJson)
//   {"end":{"checkpoints":2,"rows":40}}                 last line: what was written
// Writers put the checkpoints before the rows (read first, so the rows read
// afterwards reach every signed size); readers accept them in any order. The
// end line makes a truncated file (an interrupted download, a cut stream)
// unreadable instead of silently shorter.
import { LedgerError } from '../errors.ts';
import { exportedRowFromJson, exportedRowToJson, type ExportedRow } from '../verify/exported-row.ts';
import { prunedFromJson, prunedToJson, type PrunedPrefix } from './pruned-prefix.ts';

export const LEDGER_EXPORT_VERSION = 1;
/** An export whose oldest rows were pruned by retention: version 2, with a "pruned" line. */
export const LEDGER_EXPORT_PRUNED_VERSION = 2;
const HEADER_KEY = 'mcpg_ledger_export';

export interface LedgerExport {
  /** The org the header names. */
  readonly org: string;
  readonly checkpoints: string[];
  readonly rows: ExportedRow[];
  /** Declared by a version 2 export: the rows before `pruned.size` expired. */
  readonly pruned?: PrunedPrefix;
}

export interface LedgerExportCounts {
  readonly checkpoints: number;
  readonly rows: number;
}

/** A line that cannot be read; `line` is 1-based, 0 when the file as a whole is wrong. */
export class MalformedExportError extends LedgerError {
  constructor(
    readonly line: number,
    message: string,
    cause?: unknown,
  ) {
    super('MALFORMED_EXPORT', line > 0 ? `export line ${line}: ${message}` : `export: ${message}`, { cause });
  }
}

export const exportHeaderLine = (org: string, pruned = false): string =>
  `${JSON.stringify({ [HEADER_KEY]: pruned ? LEDGER_EXPORT_PRUNED_VERSION : LEDGER_EXPORT_VERSION, org })}\n`;
export const exportPrunedLine = (p: PrunedPrefix): string => `${JSON.stringify({ pruned: prunedToJson(p) })}\n`;
export const exportCheckpointLine = (note: string): string => `${JSON.stringify({ checkpoint: note })}\n`;
export const exportRowLine = (row: ExportedRow): string => `${JSON.stringify(exportedRowToJson(row))}\n`;
export const exportEndLine = (counts: LedgerExportCounts): string =>
  `${JSON.stringify({ end: { checkpoints: counts.checkpoints, rows: counts.rows } })}\n`;

function onlyKey(obj: Record<string, unknown>, key: string): boolean {
  const keys = Object.keys(obj);
  return keys.length === 1 && keys[0] === key;
}

/** Reads an export line by line (so a file can be streamed in); finish() says whether it was complete. */
export class LedgerExportReader {
  private line = 0;
  private org: string | undefined;
  private version = 0;
  private pruned: PrunedPrefix | undefined;
  private end: LedgerExportCounts | undefined;
  private readonly checkpoints: string[] = [];
  private readonly rows: ExportedRow[] = [];

  /** One line, without its newline. */
  push(text: string): void {
    this.line++;
    if (this.end !== undefined) throw new MalformedExportError(this.line, 'a line after the end line');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new MalformedExportError(this.line, text === '' ? 'empty line' : 'not JSON', error);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new MalformedExportError(this.line, 'not a JSON object');
    }
    const obj = value as Record<string, unknown>;
    if (this.org === undefined) return this.readHeader(obj);
    if (HEADER_KEY in obj) throw new MalformedExportError(this.line, 'a second header');
    if (onlyKey(obj, 'checkpoint')) {
      if (typeof obj['checkpoint'] !== 'string') throw new MalformedExportError(this.line, '"checkpoint" must be the signed note text');
      this.checkpoints.push(obj['checkpoint']);
      return;
    }
    if (onlyKey(obj, 'end')) return this.readEnd(obj['end']);
    if (onlyKey(obj, 'pruned')) {
      if (this.version !== LEDGER_EXPORT_PRUNED_VERSION) throw new MalformedExportError(this.line, `a "pruned" line needs export version ${LEDGER_EXPORT_PRUNED_VERSION}`);
      if (this.pruned !== undefined) throw new MalformedExportError(this.line, 'a second "pruned" line');
      try {
        this.pruned = prunedFromJson(obj['pruned']);
      } catch (error) {
        throw new MalformedExportError(this.line, error instanceof LedgerError ? error.message : String(error), error);
      }
      return;
    }
    try {
      this.rows.push(exportedRowFromJson(obj));
    } catch (error) {
      const why = error instanceof LedgerError ? error.message : String(error);
      throw new MalformedExportError(this.line, `not a ledger row: ${why}`, error);
    }
  }

  finish(): LedgerExport {
    if (this.org === undefined) throw new MalformedExportError(0, 'empty file (no header line)');
    if (this.end === undefined) {
      throw new MalformedExportError(0, `incomplete: no end line after line ${this.line} (the export was cut short)`);
    }
    if (this.version === LEDGER_EXPORT_PRUNED_VERSION && this.pruned === undefined) throw new MalformedExportError(0, `a version ${LEDGER_EXPORT_PRUNED_VERSION} export must declare its pruned range`);
    return { org: this.org, checkpoints: this.checkpoints, rows: this.rows, ...(this.pruned ? { pruned: this.pruned } : {}) };
  }

  private readHeader(obj: Record<string, unknown>): void {
    const version = obj[HEADER_KEY];
    if (version === undefined) throw new MalformedExportError(this.line, `the first line must be the header {"${HEADER_KEY}":1,"org":…}`);
    if (version !== LEDGER_EXPORT_VERSION && version !== LEDGER_EXPORT_PRUNED_VERSION) throw new MalformedExportError(this.line, `unsupported export version ${JSON.stringify(version)}`);
    const org = obj['org'];
    if (typeof org !== 'string' || org === '' || Object.keys(obj).length !== 2) {
      throw new MalformedExportError(this.line, 'the header must have exactly the keys version and "org" (a non-empty string)');
    }
    this.org = org;
    this.version = version;
  }

  private readEnd(value: unknown): void {
    const end = value as Record<string, unknown> | null;
    const counts = typeof end === 'object' && end !== null ? [end['checkpoints'], end['rows']] : [];
    if (!counts.every((n) => Number.isSafeInteger(n) && (n as number) >= 0) || counts.length !== 2 || Object.keys(end ?? {}).length !== 2) {
      throw new MalformedExportError(this.line, '"end" must be {"checkpoints":<count>,"rows":<count>}');
    }
    const [checkpoints, rows] = counts as [number, number];
    if (checkpoints !== this.checkpoints.length || rows !== this.rows.length) {
      throw new MalformedExportError(
        this.line,
        `the end line announces ${checkpoints} checkpoints and ${rows} rows, the file has ${this.checkpoints.length} and ${this.rows.length}`,
      );
    }
    this.end = { checkpoints, rows };
  }
}

/** Parses a whole export held in memory. Throws MalformedExportError naming the first bad line. */
export function parseLedgerExport(text: string): LedgerExport {
  const reader = new LedgerExportReader();
  // Every line ends with a newline, the last one included.
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  if (body === '') return reader.finish();
  for (const line of body.split('\n')) reader.push(line.endsWith('\r') ? line.slice(0, -1) : line);
  return reader.finish();
}
