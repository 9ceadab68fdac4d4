// Chromium (Debian's) driven by playwright-core for the console's browser
// test, with the checks every view gets: axe-core finds no violation, the page
// logged no error and broke no Content Security Policy rule, and a screenshot
// for docs/console/.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const ROOT = new URL('../../../', import.meta.url).pathname;
export const SHOTS = join(ROOT, 'docs/console');
const AXE = readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.MCPG_TEST_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
}

export interface WatchedPage {
  readonly page: Page;
  /** Console errors and CSP reports so far (expected API refusals filtered by the caller). */
  readonly problems: string[];
}

export async function openPage(browser: Browser, options: { dark?: boolean } = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, colorScheme: options.dark ? 'dark' : 'light', acceptDownloads: true });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  return { page, problems };
}

/** axe-core's WCAG 2 A/AA rules over the page; the violations, as text. */
export async function axeViolations(page: Page): Promise<string[]> {
  // evaluate() runs outside the page's CSP, which (rightly) refuses injected scripts.
  await page.evaluate(AXE);
  const result = (await page.evaluate(`axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } })`)) as {
    violations: { id: string; help: string; nodes: { target: string[] }[] }[];
  };
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`);
}

export async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });
}
