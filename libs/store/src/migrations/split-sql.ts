// Splits a migration file into statements at `;` outside string literals,
// quoted identifiers and comments, so a `;` inside a COMMENT '...' or a
// `-- note; like this` does not cut a statement in half. Follows ClickHouse's
// lexer: '...' strings and "..."/`...` identifiers with backslash escapes or a
// doubled quote, `--` and `# `/`#!` line comments, nested /* */ comments.

export interface SqlStatement {
  /** The statement as written (comments inside it kept), trimmed, without the `;`. */
  readonly text: string;
  /**
   * The same with comments removed and literals emptied (`'...'` → `''`), for
   * checks that must not be fooled by words inside strings or comments.
   */
  readonly code: string;
}

export function splitSqlStatements(sql: string): SqlStatement[] {
  const out: SqlStatement[] = [];
  let start = 0;
  let code = '';
  let i = 0;
  const flush = (end: number) => {
    if (code.trim() !== '') out.push({ text: sql.slice(start, end).trim(), code: code.replace(/\s+/g, ' ').trim() });
    code = '';
  };
  while (i < sql.length) {
    const c = sql[i] as string;
    const next = sql[i + 1];
    if (c === "'" || c === '"' || c === '`') {
      const end = skipQuoted(sql, i, c);
      code += c === "'" ? "''" : sql.slice(i, end);
      i = end;
    } else if ((c === '-' && next === '-') || (c === '#' && (next === ' ' || next === '!'))) {
      const nl = sql.indexOf('\n', i);
      i = nl === -1 ? sql.length : nl;
      code += ' ';
    } else if (c === '/' && next === '*') {
      i = skipBlockComment(sql, i);
      code += ' ';
    } else if (c === ';') {
      flush(i);
      i++;
      start = i;
    } else {
      code += c;
      i++;
    }
  }
  flush(sql.length);
  return out;
}

/** Index just past the closing quote; an unterminated literal runs to the end (the engine will reject it). */
function skipQuoted(sql: string, open: number, quote: string): number {
  let i = open + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (c === '\\') i += 2;
    else if (c === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return sql.length;
}

function skipBlockComment(sql: string, open: number): number {
  let depth = 0;
  let i = open;
  while (i < sql.length) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth++;
      i += 2;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return sql.length;
}
