// What the simulator sent, counted the way the fleet endpoint reports it, so a
// test or a benchmark can compare the pipeline's output with the truth.
import type { ToolCallEvent } from '@mcpg/events';

export interface SeriesTally {
  readonly org: string;
  readonly workspace: string;
  readonly plugin: string;
  readonly tool: string;
  calls: number;
  tokensIn: number;
  tokensOut: number;
  readonly outcomes: Record<ToolCallEvent['outcome'], number>;
}

export class Tally {
  readonly series = new Map<string, SeriesTally>();
  calls = 0;
  audits = 0;
  readonly malformed: Record<string, number> = {};

  addCall(e: ToolCallEvent): void {
    this.calls++;
    const key = `${e.org}\u0000${e.workspace}\u0000${e.plugin}\u0000${e.tool}`;
    let s = this.series.get(key);
    if (!s) {
      s = {
        org: e.org,
        workspace: e.workspace,
        plugin: e.plugin,
        tool: e.tool,
        calls: 0,
        tokensIn: 0,
        tokensOut: 0,
        outcomes: { ok: 0, error: 0, denied: 0, timeout: 0, cancelled: 0 },
      };
      this.series.set(key, s);
    }
    s.calls++;
    s.tokensIn += e.tokens_in;
    s.tokensOut += e.tokens_out;
    s.outcomes[e.outcome]++;
  }

  addMalformed(kind: string): void {
    this.malformed[kind] = (this.malformed[kind] ?? 0) + 1;
  }

  get malformedTotal(): number {
    return Object.values(this.malformed).reduce((a, b) => a + b, 0);
  }

  toJSON() {
    return {
      calls: this.calls,
      audits: this.audits,
      malformed: this.malformed,
      series: [...this.series.values()],
    };
  }
}
