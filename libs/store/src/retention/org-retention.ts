// Which plan each org is on, as writers and the API see it: a plan set through
// the admin API (org_plans) wins, else configuration (MCPG_ORG_PLANS, then
// MCPG_DEFAULT_PLAN). Writers read it for every row they stamp, so it is a
// map in memory, refreshed from the store every `refreshMs`; a writer that
// stamped rows with a plan it held before a change re-applies the new windows
// when it sees the change (reapply-retention.ts), so no row keeps a stale one.
import type { DataClass, PlanCatalogue, RetentionPlan } from '@mcpg/config';
import type { Store } from '../create-store.ts';
import { readOrgPlans, type StoredOrgPlan } from './org-plans.ts';
import { reapplyRetention } from './reapply-retention.ts';

export interface ResolvedPlan {
  readonly plan: RetentionPlan;
  /** api: set through PUT /v1/admin/orgs/{org}/plan; config: MCPG_ORG_PLANS; default: MCPG_DEFAULT_PLAN. */
  readonly source: 'api' | 'config' | 'default';
  readonly stored?: StoredOrgPlan;
}

export class OrgRetention {
  #stored = new Map<string, StoredOrgPlan>();
  #timer: NodeJS.Timeout | undefined;
  #refreshing: Promise<void> | undefined;

  constructor(
    readonly store: Store,
    readonly catalogue: PlanCatalogue,
  ) {}

  resolve(org: string): ResolvedPlan {
    const stored = this.#stored.get(org);
    const plan = stored && this.catalogue.plan(stored.plan);
    if (stored && plan) return { plan, source: 'api', stored };
    return this.catalogue.configured(org);
  }

  days(org: string, cls: DataClass): number {
    return this.resolve(org).plan.days[cls];
  }

  /** A stamp for one class, for the insert functions. */
  stamp(cls: DataClass): (org: string) => number {
    return (org) => this.days(org, cls);
  }

  #refreshedAt = -Infinity;

  /** The plans as of at most `maxAgeMs` ago (a read path's view: one small query per interval, not per request). */
  async fresh(maxAgeMs = 30_000): Promise<this> {
    if (performance.now() - this.#refreshedAt > maxAgeMs) await this.refresh();
    return this;
  }

  /** Epoch ms before which a class of the org's data is gone or going (now minus its window). */
  windowStart(org: string, cls: DataClass, nowMs: number): number {
    return nowMs - this.days(org, cls) * 86_400_000;
  }

  /** Reads org_plans again; orgs whose windows changed since are re-applied (rows this process stamped before). */
  async refresh(options: { reapply?: boolean } = {}): Promise<void> {
    const before = new Map([...this.#stored.keys()].map((org) => [org, this.resolve(org).plan]));
    const next = await readOrgPlans(this.store);
    const changed: string[] = [];
    for (const org of next.keys()) {
      const old = before.get(org) ?? this.catalogue.configured(org).plan;
      const plan = this.catalogue.plan(next.get(org)!.plan);
      if (plan && plan.name !== old.name) changed.push(org);
    }
    this.#stored = next;
    this.#refreshedAt = performance.now();
    if (options.reapply) for (const org of changed) await reapplyRetention(this.store, org, this.resolve(org).plan.days);
  }

  /** Refreshes every `refreshMs` (writers: 30 s), re-applying changes; errors go to onError and the next round tries again. */
  start(refreshMs: number, onError: (err: unknown) => void): void {
    this.#timer = setInterval(() => {
      if (this.#refreshing) return;
      this.#refreshing = this.refresh({ reapply: true }).catch(onError).finally(() => (this.#refreshing = undefined));
    }, refreshMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#refreshing;
  }
}
