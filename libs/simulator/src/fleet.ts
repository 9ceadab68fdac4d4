// A simulated fleet: organisations, their workspaces, gateway instances and
// actors, fixed by the seed. Traffic is drawn from it by TrafficGenerator.
import { Random, WeightedPicker } from './random.ts';
import { TOOL_CATALOG, WORKSPACES, WORKSPACE_WEIGHTS, type ToolProfile } from './catalog.ts';
import { applyFaults, type ToolFault } from './faults.ts';

export interface FleetOptions {
  readonly seed: number;
  /**
   * Seed of the fleet itself (which tools each org uses, its instances and
   * actors) when it should differ from the traffic's: generators with other
   * traffic seeds then draw new calls (new event ids) from the same fleet.
   */
  readonly fleetSeed?: number;
  readonly orgs: readonly string[];
  /** Gateway instances across the fleet (spread over orgs). */
  readonly gateways: number;
  /** Tools whose error rate differs from the catalog (injected incidents). */
  readonly faults?: readonly ToolFault[];
}

export interface OrgModel {
  readonly org: string;
  readonly instances: readonly string[];
  readonly actors: readonly string[];
  readonly tools: WeightedPicker<ToolProfile>;
  readonly workspaces: WeightedPicker<string>;
}

export class Fleet {
  readonly orgs: readonly OrgModel[];
  readonly orgPicker: WeightedPicker<OrgModel>;

  constructor(opts: FleetOptions) {
    const rnd = new Random((opts.fleetSeed ?? opts.seed) ^ 0x5eed);
    const perOrg = Math.max(1, Math.floor(opts.gateways / opts.orgs.length));
    // Faults change error rates only: which tools each org uses and how
    // popular they are stay what the seed made them.
    const catalog = applyFaults(TOOL_CATALOG, opts.faults ?? []);
    this.orgs = opts.orgs.map((org) => {
      // Each org uses most of the catalog, with its own popularity skew.
      const profiles = catalog.filter(() => rnd.next() < 0.85);
      const used = profiles.length ? profiles : catalog;
      return {
        org,
        instances: Array.from({ length: perOrg }, (_, i) => `gw-${org}-${i + 1}`),
        actors: [
          ...Array.from({ length: 4 }, (_, i) => `agent-${i + 1}@${org}`),
          ...Array.from({ length: 3 }, (_, i) => `user-${i + 1}@${org}`),
        ],
        tools: new WeightedPicker(
          used,
          used.map((p) => p.weight * (0.5 + rnd.next())),
        ),
        workspaces: new WeightedPicker(WORKSPACES, WORKSPACE_WEIGHTS),
      };
    });
    // The first org is the busiest, like a real fleet's biggest tenant.
    this.orgPicker = new WeightedPicker(
      this.orgs,
      this.orgs.map((_, i) => 1 / (i + 1)),
    );
  }
}
