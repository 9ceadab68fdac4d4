// Retention plans: how long each class of an org's data is kept. The four
// plans below are the defaults (the tiers of a hosted fleet: 30 days, 90, 180,
// 7 years); MCPG_RETENTION_PLANS adds or redefines plans, MCPG_ORG_PLANS names
// orgs' plans, MCPG_DEFAULT_PLAN is the plan of every org not named. Storage
// enforces a plan per row (schemas/clickhouse 061) and prunes the ledger by
// whole signed segments (docs/operations.md "Retention").

/** The classes of data a plan bounds, each with its own window. */
export const DATA_CLASSES = ['samples', 'payloads', 'rollups_1m', 'rollups_1h', 'rollups_1d', 'audit'] as const;
export type DataClass = (typeof DATA_CLASSES)[number];

export const DATA_CLASS_DOCS: Readonly<Record<DataClass, string>> = {
  samples: 'one row per call (tool_invocations)',
  payloads: 'call arguments and results (tool_invocation_payloads)',
  rollups_1m: 'per-minute rollups (tool_rollups_1m)',
  rollups_1h: 'hour digests and totals (tool_rollups_1h, tool_totals_1h)',
  rollups_1d: 'day digests (tool_rollups_1d)',
  audit: 'audit ledger rows (audit_log), pruned by whole signed segments',
};

export interface RetentionPlan {
  readonly name: string;
  /** Days each class is kept, counted from the row's own time (call start, bucket start, occurred_at). */
  readonly days: Readonly<Record<DataClass, number>>;
}

/** 7 years in days (two leap days in any 7 years). */
export const SEVEN_YEARS_DAYS = 7 * 365 + 2;
/** Longest window a plan may give: 50 years (the ledger tables' backstop TTL is 80, schemas/clickhouse 061). */
export const MAX_RETENTION_DAYS = 18_263;

const plan = (name: string, d: [number, number, number, number, number, number]): RetentionPlan => ({
  name,
  days: { samples: d[0], payloads: d[1], rollups_1m: d[2], rollups_1h: d[3], rollups_1d: d[4], audit: d[5] },
});

/**
 * The plan's window bounds every class; raw samples, payloads and minute rows
 * are also bounded by their storage tier (30, 30, 90 days), which is what
 * every org got before plans existed. enterprise is those tiers exactly, so
 * it is the default plan: an upgraded deployment keeps what it kept.
 */
export const DEFAULT_PLANS: readonly RetentionPlan[] = [
  plan('community', [30, 30, 30, 30, 30, 30]),
  plan('pro', [30, 30, 90, 90, 90, 90]),
  plan('team', [30, 30, 90, 180, 180, 180]),
  plan('enterprise', [30, 30, 90, 180, SEVEN_YEARS_DAYS, SEVEN_YEARS_DAYS]),
];

export const DEFAULT_PLAN_NAME = 'enterprise';
const PLAN_NAME = /^[a-z][a-z0-9_-]{0,62}$/;

/** `90`, `90d` or `7y` (7 × 365 + 2 = 2557 days, like the default plans) → days. */
export function parseRetentionDays(text: string): number {
  const m = /^(\d{1,5})([dy]?)$/.exec(text.trim());
  if (!m) throw new Error(`${JSON.stringify(text)} is not a number of days (90, 90d) or years (7y)`);
  const n = Number(m[1]);
  // A year is 365 days plus the leap days any span of n years may hold (ceil(n / 4)): never shorter.
  const days = m[2] === 'y' ? n * 365 + Math.ceil(n / 4) : n;
  if (days < 1 || days > MAX_RETENTION_DAYS) throw new Error(`${JSON.stringify(text)} must be between 1 and ${MAX_RETENTION_DAYS} days`);
  return days;
}

/** `gold=30/30/90/1y/5y/7y`: the name, then the days of each class in DATA_CLASSES order. */
export function parsePlanSpec(item: string): RetentionPlan {
  const eq = item.indexOf('=');
  const name = eq < 0 ? '' : item.slice(0, eq).trim();
  if (!PLAN_NAME.test(name)) throw new Error(`plan ${JSON.stringify(item)} must read name=${DATA_CLASSES.join('/')} with a lower-case name`);
  const parts = item.slice(eq + 1).split('/');
  if (parts.length !== DATA_CLASSES.length) {
    throw new Error(`plan ${name} gives ${parts.length} windows, needs ${DATA_CLASSES.length} (${DATA_CLASSES.join('/')})`);
  }
  const d = parts.map(parseRetentionDays) as [number, number, number, number, number, number];
  return plan(name, d);
}

/** `acme=team`. */
export function parseOrgPlan(item: string): { readonly org: string; readonly plan: string } {
  const eq = item.lastIndexOf('=');
  const org = item.slice(0, eq).trim();
  const name = item.slice(eq + 1).trim();
  if (eq <= 0 || !PLAN_NAME.test(name)) throw new Error(`org plan ${JSON.stringify(item)} must read org=plan`);
  return { org, plan: name };
}

/** The plans a deployment knows, and what configuration says about each org. */
export class PlanCatalogue {
  readonly plans: ReadonlyMap<string, RetentionPlan>;
  readonly orgPlans: ReadonlyMap<string, string>;
  readonly defaultPlan: RetentionPlan;

  /**
   * Configured plans replace default plans of the same name. Throws an Error
   * naming the setting when an org or the default names an unknown plan.
   */
  constructor(opts: { plans?: readonly RetentionPlan[]; orgPlans?: readonly { org: string; plan: string }[]; defaultPlan?: string } = {}) {
    const plans = new Map(DEFAULT_PLANS.map((p) => [p.name, p]));
    for (const p of opts.plans ?? []) plans.set(p.name, p);
    this.plans = plans;
    const orgPlans = new Map<string, string>();
    for (const { org, plan: name } of opts.orgPlans ?? []) {
      if (!plans.has(name)) throw new Error(`MCPG_ORG_PLANS: org ${org} names plan ${name}, which is not one of ${this.names().join(', ')}`);
      orgPlans.set(org, name);
    }
    this.orgPlans = orgPlans;
    const def = plans.get(opts.defaultPlan ?? DEFAULT_PLAN_NAME);
    if (!def) throw new Error(`MCPG_DEFAULT_PLAN: ${opts.defaultPlan} is not one of ${this.names().join(', ')}`);
    this.defaultPlan = def;
  }

  names(): string[] {
    return [...this.plans.keys()];
  }

  plan(name: string): RetentionPlan | undefined {
    return this.plans.get(name);
  }

  /** The plan configuration gives an org: its own, else the default. */
  configured(org: string): { plan: RetentionPlan; source: 'config' | 'default' } {
    const name = this.orgPlans.get(org);
    const p = name === undefined ? undefined : this.plans.get(name);
    return p ? { plan: p, source: 'config' } : { plan: this.defaultPlan, source: 'default' };
  }

  /** The longest window any plan gives a class (what a query may reach back at most). */
  longest(cls: DataClass): number {
    return Math.max(...[...this.plans.values()].map((p) => p.days[cls]));
  }
}
