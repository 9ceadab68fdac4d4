// Keeps the README's configuration table equal to the settings the code
// declares: `npm run docs:config` rewrites it, the test below checks it.
import { readFileSync, writeFileSync } from 'node:fs';
import { allSettings, markdownTable } from '@mcpg/config';

export const README = new URL('../README.md', import.meta.url);
const START = '<!-- config-table:start -->';
const END = '<!-- config-table:end -->';

export function renderReadme(readme: string): string {
  const i = readme.indexOf(START);
  const j = readme.indexOf(END);
  if (i === -1 || j === -1) throw new Error(`README.md lacks the ${START} / ${END} markers`);
  return `${readme.slice(0, i + START.length)}\n${markdownTable(allSettings)}\n${readme.slice(j)}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(README, renderReadme(readFileSync(README, 'utf8')));
}
