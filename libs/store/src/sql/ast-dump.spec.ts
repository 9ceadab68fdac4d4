import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAstDump, walk } from './ast-dump.ts';

// As ClickHouse 26.7 prints `EXPLAIN AST SELECT * FROM m.t AS `x y` INTO OUTFILE 'f' FORMAT CSV`.
const DUMP = `SelectWithUnionQuery (children 3)
 ExpressionList (children 1)
  SelectQuery (children 2)
   ExpressionList (children 1)
    Function numbers (alias n) (children 1)
     ExpressionList (children 1)
      Literal UInt64_3
   TablesInSelectQuery (children 1)
    TablesInSelectQueryElement (children 1)
     TableExpression (children 1)
      TableIdentifier m.t (alias x y)
 Literal 'f'
 Identifier CSV
`;

test('nodes keep their kind and detail without alias or child count', () => {
  const root = parseAstDump(DUMP)!;
  assert.equal(root.kind, 'SelectWithUnionQuery');
  assert.deepEqual(root.children.map((c) => [c.kind, c.detail]), [['ExpressionList', ''], ['Literal', "'f'"], ['Identifier', 'CSV']]);
  const details = [...walk(root)].filter((n) => n.kind === 'Function' || n.kind === 'TableIdentifier').map((n) => n.detail);
  assert.deepEqual(details, ['numbers', 'm.t']);
});

test('anything but one well-indented tree is refused (undefined), never half-read', () => {
  assert.equal(parseAstDump('SelectWithUnionQuery\nSelectWithUnionQuery\n'), undefined, 'two roots');
  assert.equal(parseAstDump(' ExpressionList\n'), undefined, 'indented root');
  assert.equal(parseAstDump('SelectWithUnionQuery\n   ExpressionList\n'), undefined, 'a level skipped');
  assert.equal(parseAstDump('SelectWithUnionQuery\n (weird line\n'), undefined, 'a line that is not a node');
  assert.equal(parseAstDump(''), undefined, 'nothing');
});
