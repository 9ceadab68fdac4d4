// A strict reader of Prometheus text format 0.0.4 for tests: every sample line
// must parse, every family must be declared with HELP and TYPE first.
export interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: (-?\d+))?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/y;

export function parseExposition(text: string): Sample[] {
  const declared = new Map<string, { help: boolean; type?: string }>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('# HELP ') || line.startsWith('# TYPE ')) {
      const [, kind, name, rest] = line.match(/^# (HELP|TYPE) (\S+) ?(.*)$/) ?? [];
      const d = declared.get(name as string) ?? { help: false };
      if (kind === 'HELP') d.help = true;
      else d.type = rest;
      declared.set(name as string, d);
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = line.match(SAMPLE);
    if (!m) throw new Error(`unparseable sample line: ${line}`);
    const [, name, body, value] = m as unknown as [string, string, string | undefined, string];
    const family = declared.get(name) ?? declared.get(name.replace(/_(sum|count|bucket)$/, ''));
    if (!family?.help || !family.type) throw new Error(`sample ${name} before its HELP/TYPE`);
    const labels: Record<string, string> = {};
    if (body) {
      LABEL.lastIndex = 0;
      while (LABEL.lastIndex < body.length) {
        const l = LABEL.exec(body);
        if (!l) throw new Error(`bad labels in: ${line}`);
        labels[l[1] as string] = (l[2] as string).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
      }
    }
    samples.push({ name, labels, value: Number(value) });
  }
  return samples;
}

export function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  return Object.entries(b).every(([k, v]) => a[k] === v);
}
