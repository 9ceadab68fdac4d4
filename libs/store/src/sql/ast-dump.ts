// Reads the tree ClickHouse prints for `EXPLAIN AST`: one node per line,
// indented one space per level, `Kind [detail] [(alias a)] [(children n)]`.
// The tree comes from ClickHouse's own parser; this file only turns its text
// into nodes. A line it cannot read fails the whole parse (the caller then
// refuses the query), so an unexpected shape is never half-checked.

export interface AstNode {
  readonly kind: string;
  /** What follows the kind: a function or table name, a literal, an EXPLAIN kind. */
  readonly detail: string;
  readonly children: AstNode[];
}

const LINE = /^( *)([A-Za-z][A-Za-z0-9_]*)(?: (.*?))?$/;
const CHILDREN = / ?\(children \d+\)$/;
const ALIAS = / \(alias [^()]*\)$/;

export function parseAstDump(text: string): AstNode | undefined {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const stack: { depth: number; node: AstNode }[] = [];
  let root: AstNode | undefined;
  for (const line of lines) {
    const m = LINE.exec(line);
    if (!m) return undefined;
    const depth = m[1]!.length;
    const detail = (m[3] ?? '').replace(CHILDREN, '').replace(ALIAS, '').trim();
    const node: AstNode = { kind: m[2]!, detail, children: [] };
    while (stack.length > 0 && stack[stack.length - 1]!.depth >= depth) stack.pop();
    if (stack.length === 0) {
      if (root !== undefined || depth !== 0) return undefined; // a second root: not one statement
      root = node;
    } else {
      if (depth !== stack[stack.length - 1]!.depth + 1) return undefined;
      stack[stack.length - 1]!.node.children.push(node);
    }
    stack.push({ depth, node });
  }
  return root;
}

export function* walk(node: AstNode): Generator<AstNode> {
  yield node;
  for (const c of node.children) yield* walk(c);
}
