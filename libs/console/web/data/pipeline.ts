// Pipeline health for the overview strip, from public routes: dead letters
// from the fleet exposition (mcpg_pipeline_dead_letters_total), the newest
// signed checkpoint's event time from the ledger.
import { api } from '../lib/session.ts';
import { can } from '../lib/session.ts';

export interface PipelineHealth {
  readonly deadLetters: number | null;
  readonly lastCheckpointMs: number | null;
}

export function sumMetric(exposition: string, name: string): number {
  let total = 0;
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== '{' && rest[0] !== ' ') continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) total += value;
  }
  return total;
}

export async function fetchPipelineHealth(org: string, signal: AbortSignal): Promise<PipelineHealth> {
  const base = `/v1/orgs/${encodeURIComponent(org)}`;
  const [text, cps] = await Promise.all([
    api.getText(`${base}/metrics`, {}, signal),
    can('audit') ? api.get<{ latest: { event_time: string } | null }>(`${base}/audit/checkpoints`, { limit: 1 }, signal) : Promise.resolve({ latest: null }),
  ]);
  return {
    deadLetters: sumMetric(text, 'mcpg_pipeline_dead_letters_total'),
    lastCheckpointMs: cps.latest ? Date.parse(cps.latest.event_time) : null,
  };
}
