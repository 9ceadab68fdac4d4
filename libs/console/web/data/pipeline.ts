// Pipeline health for the overview strip, from public routes: dead letters
// from the pipeline route (the same count as the exposition's
// mcpg_pipeline_dead_letters_total, without rendering the org's every label
// set to read one number), the newest signed checkpoint's event time from the
// ledger.
import { api } from '../lib/session.ts';
import { can } from '../lib/session.ts';

export interface PipelineHealth {
  readonly deadLetters: number | null;
  readonly lastCheckpointMs: number | null;
}

export async function fetchPipelineHealth(org: string, signal: AbortSignal): Promise<PipelineHealth> {
  const base = `/v1/orgs/${encodeURIComponent(org)}`;
  const [pipeline, cps] = await Promise.all([
    api.get<{ dead_letters: { total: number } }>(`${base}/pipeline`, {}, signal),
    can('audit') ? api.get<{ latest: { event_time: string } | null }>(`${base}/audit/checkpoints`, { limit: 1 }, signal) : Promise.resolve({ latest: null }),
  ]);
  return {
    deadLetters: pipeline.dead_letters.total,
    lastCheckpointMs: cps.latest ? Date.parse(cps.latest.event_time) : null,
  };
}
