// Injected incidents: a tool whose error rate is raised (or lowered) from its
// catalog profile, e.g. to watch the MCPGToolErrorRate alert fire for it and
// for no other tool. Written `plugin/tool=rate` on the command line.
import type { ToolProfile } from './catalog.ts';

export interface ToolFault {
  readonly plugin: string;
  readonly tool: string;
  /** Probability a call to this tool fails (error or timeout), 0–1. */
  readonly errorRate: number;
}

/** One `plugin/tool=rate` item: names without `/` or `=`, a rate in [0, 1]. */
export const FAULT_PATTERN = /^([^/=\s]+)\/([^/=\s]+)=((?:0|1)(?:\.\d+)?|\.\d+)$/;

export function parseFault(text: string): ToolFault {
  const m = FAULT_PATTERN.exec(text.trim());
  const errorRate = m ? Number(m[3]) : NaN;
  if (!m || !(errorRate >= 0 && errorRate <= 1)) {
    throw new RangeError(`fault ${JSON.stringify(text)} must look like plugin/tool=0.3 (an error rate from 0 to 1)`);
  }
  return { plugin: m[1]!, tool: m[2]!, errorRate };
}

/** The catalog profiles with the faults applied; a fault for a tool not in the catalog is an error. */
export function applyFaults(catalog: readonly ToolProfile[], faults: readonly ToolFault[]): readonly ToolProfile[] {
  for (const f of faults) {
    if (!catalog.some((p) => p.plugin === f.plugin && p.tool === f.tool)) {
      const known = catalog.map((p) => `${p.plugin}/${p.tool}`).join(', ');
      throw new RangeError(`fault for ${f.plugin}/${f.tool}: no such tool in the simulated catalog (${known})`);
    }
  }
  return catalog.map((p) => {
    const fault = faults.find((f) => f.plugin === p.plugin && f.tool === p.tool);
    return fault ? { ...p, errorRate: fault.errorRate } : p;
  });
}
