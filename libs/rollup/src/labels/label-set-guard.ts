// A cap on distinct label sets per org: the first `maxSetsPerOrg` sets seen,
// in event order, are kept; every later new set is folded into one
// `__other__` set, and its events are counted. First-come in event order is a
// function of the log alone, so a replay admits the same sets.
//
// The guard has no clock and no eviction: its scope is whatever its owner
// decides (the fold uses one guard per offset chunk, see README.md).

export const OTHER_LABEL = '__other__';

export class LabelSetGuard {
  readonly maxSetsPerOrg: number;
  readonly #admitted = new Map<string, Set<string>>();
  readonly #folded = new Map<string, number>();

  constructor(maxSetsPerOrg: number) {
    if (!Number.isInteger(maxSetsPerOrg) || maxSetsPerOrg < 1) throw new RangeError(`maxSetsPerOrg must be a positive integer, got ${maxSetsPerOrg}`);
    this.maxSetsPerOrg = maxSetsPerOrg;
  }

  /**
   * Whether `setKey` (any string identifying the label set within the org)
   * keeps its labels. Call once per distinct set: the answer never changes
   * for a set, so callers cache it. Folded events are counted with countFolded.
   */
  admit(org: string, setKey: string): boolean {
    let sets = this.#admitted.get(org);
    if (sets === undefined) {
      sets = new Set();
      this.#admitted.set(org, sets);
    }
    if (sets.has(setKey)) return true;
    if (sets.size >= this.maxSetsPerOrg) return false;
    sets.add(setKey);
    return true;
  }

  /** Records `n` events of `org` folded into `__other__`. */
  countFolded(org: string, n = 1): void {
    this.#folded.set(org, (this.#folded.get(org) ?? 0) + n);
  }

  /** Events folded into `__other__`, per org. */
  foldedEvents(): ReadonlyMap<string, number> {
    return this.#folded;
  }

  /** Label sets admitted for `org` so far. */
  admittedCount(org: string): number {
    return this.#admitted.get(org)?.size ?? 0;
  }
}
