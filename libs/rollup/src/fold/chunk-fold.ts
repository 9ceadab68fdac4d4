// The fold of one offset chunk of one partition. Everything here is scoped to
// the chunk: the label-set guard starts empty with it and the accumulators
// are dropped when it closes, so the rows of a chunk depend only on the
// events at its offsets, which is what lets a restarted worker rebuild them
// by re-reading the chunk from its start.
import { LabelSetGuard, OTHER_LABEL } from '../labels/label-set-guard.ts';
import type { LabelNormalizer } from '../labels/normalize-label.ts';
import type { ResolvedFoldOptions } from './fold-options.ts';
import type { FoldedCall, RollupLabels } from './call-counters.ts';
import { DayTotals, type DayTotalsRow } from './day-totals.ts';
import { HourTotals, type HourTotalsRow } from './hour-totals.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS } from './merge-rollups.ts';
import { RollupAccumulator } from './rollup-accumulator.ts';
import type { OrgRollupRows, RollupRow, TierRollupRow } from './rollup-row.ts';

// One normalised, guarded label set, its rows by minute and its day and hour totals.
interface Target {
  readonly labels: RollupLabels;
  readonly folded: boolean;
  readonly minutes: Map<number, RollupAccumulator>;
  readonly days: Map<number, DayTotals>;
  readonly hours: Map<number, HourTotals>;
  // The hour and day digest tiers, by hour or day start.
  readonly hourRollups: Map<number, RollupAccumulator>;
  readonly dayRollups: Map<number, RollupAccumulator>;
}

// An org's own rows (tool_rollups_org_1m/1h/1d): every call of the org,
// whatever its labels, so org-wide series read one row per bucket.
interface OrgTarget {
  readonly labels: RollupLabels;
  readonly minutes: Map<number, RollupAccumulator>;
  readonly hours: Map<number, RollupAccumulator>;
  readonly days: Map<number, RollupAccumulator>;
}

/**
 * An org-wide digest holds all of an org's calls, and a t-digest's rank
 * error does not shrink with more calls: near p99 a centroid of a δ=200
 * digest holds ~1e-3 of them, so a quantile that picks a centroid mean can
 * miss by that. A label set's digests hold few calls each and are nearly
 * exact; the org-wide ones get twice the compression (~5e-4 at p99) for a
 * few hundred centroids per row.
 */
const ORG_COMPRESSION_FACTOR = 2;

type Nested<T> = Map<string, T>;

export class ChunkFold {
  readonly #guard: LabelSetGuard;
  // Raw (org, workspace, plugin, tool) → target, through nested maps: no key
  // string is built per event, and each raw name is normalised once per chunk.
  readonly #byRaw: Nested<Nested<Nested<Nested<Target>>>> = new Map();
  // Normalised set → target: raw names that normalise alike share rows.
  readonly #byLabels = new Map<string, Target>();
  readonly #dirty: RollupAccumulator[] = [];
  readonly #dirtyHourRollups: RollupAccumulator[] = [];
  readonly #dirtyDayRollups: RollupAccumulator[] = [];
  readonly #byOrg = new Map<string, OrgTarget>();
  readonly #dirtyOrg = { minutes: [] as RollupAccumulator[], hours: [] as RollupAccumulator[], days: [] as RollupAccumulator[] };
  // Minutes whose counters the day and hour totals do not have yet.
  readonly #unsettled: RollupAccumulator[] = [];
  // Totals changed by settled minutes and not taken yet, in the order first changed.
  readonly #changedDays: DayTotals[] = [];
  readonly #changedHours: HourTotals[] = [];
  foldedEvents = 0;

  constructor(
    readonly partition: number,
    readonly start: number,
    private readonly options: ResolvedFoldOptions,
    private readonly normalizer: LabelNormalizer,
  ) {
    this.#guard = new LabelSetGuard(options.maxLabelSetsPerOrg);
  }

  add(offset: number, e: FoldedCall): void {
    const target = this.#target(e);
    if (target.folded) {
      this.foldedEvents++;
      this.#guard.countFolded(e.org);
    }
    const minute = Math.floor(e.started_at / MINUTE_MS) * MINUTE_MS;
    let acc = target.minutes.get(minute);
    if (acc === undefined) {
      acc = new RollupAccumulator(target.labels, minute, this.partition, this.start, this.options.compression, this.#dayOf(target, minute), this.#hourOf(target, minute));
      acc.hourRollup = this.#tierRollup(target, target.hourRollups, minute - (minute % HOUR_MS), acc);
      acc.dayRollup = this.#tierRollup(target, target.dayRollups, minute - (minute % DAY_MS), acc);
      const org = this.#orgTarget(target.labels.org);
      acc.orgMinute = this.#tierRollup(org, org.minutes, minute, acc, ORG_COMPRESSION_FACTOR);
      acc.orgHour = this.#tierRollup(org, org.hours, minute - (minute % HOUR_MS), acc, ORG_COMPRESSION_FACTOR);
      acc.orgDay = this.#tierRollup(org, org.days, minute - (minute % DAY_MS), acc, ORG_COMPRESSION_FACTOR);
      target.minutes.set(minute, acc);
    }
    acc.add(e, offset);
    markChanged(acc, this.#dirty);
    const hour = acc.hourRollup as RollupAccumulator;
    const day = acc.dayRollup as RollupAccumulator;
    hour.add(e, offset);
    markChanged(hour, this.#dirtyHourRollups);
    day.add(e, offset);
    markChanged(day, this.#dirtyDayRollups);
    const orgMinute = acc.orgMinute as RollupAccumulator;
    const orgHour = acc.orgHour as RollupAccumulator;
    const orgDay = acc.orgDay as RollupAccumulator;
    orgMinute.add(e, offset);
    markChanged(orgMinute, this.#dirtyOrg.minutes);
    orgHour.add(e, offset);
    markChanged(orgHour, this.#dirtyOrg.hours);
    orgDay.add(e, offset);
    markChanged(orgDay, this.#dirtyOrg.days);
    if (!acc.unsettled) {
      acc.unsettled = true;
      this.#unsettled.push(acc);
    }
  }

  /** Rows changed since the last call, in the order they were first changed. */
  takeRows(): RollupRow[] {
    return takeChanged(this.#dirty);
  }

  /** Hour digest rows changed since the last call, in the order they were first changed. */
  takeHourRollups(): TierRollupRow[] {
    return takeChanged(this.#dirtyHourRollups, tierRow);
  }

  /** Day digest rows changed since the last call, in the order they were first changed. */
  takeDayRollups(): TierRollupRow[] {
    return takeChanged(this.#dirtyDayRollups, tierRow);
  }

  /** Org-wide minute, hour and day rows changed since the last call, in the order they were first changed. */
  takeOrgRollups(): OrgRollupRows {
    return { minutes: takeChanged(this.#dirtyOrg.minutes, tierRow), hours: takeChanged(this.#dirtyOrg.hours, tierRow), days: takeChanged(this.#dirtyOrg.days, tierRow) };
  }

  /** Day totals changed since the last call, in the order they were first changed. */
  takeDayTotals(): DayTotalsRow[] {
    this.#settle();
    return takeChanged(this.#changedDays);
  }

  /** Hour totals changed since the last call, in the order they were first changed. */
  takeHourTotals(): HourTotalsRow[] {
    this.#settle();
    return takeChanged(this.#changedHours);
  }

  // Adds the changed minutes' counters to their days and hours, once per
  // changed minute row and take, whichever tier is taken first.
  #settle(): void {
    for (const acc of this.#unsettled) {
      acc.settle();
      markChanged(acc.day, this.#changedDays);
      markChanged(acc.hour, this.#changedHours);
    }
    this.#unsettled.length = 0;
  }

  /** Events folded into `__other__` in this chunk, per org. */
  foldedByOrg(): ReadonlyMap<string, number> {
    return this.#guard.foldedEvents();
  }

  // Once per new minute row, not per call.
  #dayOf(target: Target, minute: number): DayTotals {
    return totalsAt(target.days, minute - (minute % DAY_MS), (day) => new DayTotals(target.labels, day, this.partition, this.start));
  }

  // An hour's or day's own accumulator (counters and digest), or an org's
  // minute, hour or day. It shares the minute's totals objects only to
  // satisfy the constructor: a tier accumulator is never settled, so it never
  // adds to them.
  #tierRollup(target: { readonly labels: RollupLabels }, byStart: Map<number, RollupAccumulator>, start: number, minute: RollupAccumulator, compressionFactor = 1): RollupAccumulator {
    const compression = this.options.compression * compressionFactor;
    return totalsAt(byStart, start, () => new RollupAccumulator(target.labels, start, this.partition, this.start, compression, minute.day, minute.hour));
  }

  // Labels left empty: the org tables have no label columns.
  #orgTarget(org: string): OrgTarget {
    let t = this.#byOrg.get(org);
    if (t === undefined) {
      t = { labels: { org, workspace: '', plugin: '', tool: '' }, minutes: new Map(), hours: new Map(), days: new Map() };
      this.#byOrg.set(org, t);
    }
    return t;
  }

  #hourOf(target: Target, minute: number): HourTotals {
    return totalsAt(target.hours, minute - (minute % HOUR_MS), (hour) => new HourTotals(target.labels, hour, this.partition, this.start));
  }

  #target(e: FoldedCall): Target {
    const byWorkspace = getOrCreate(this.#byRaw, e.org);
    const byPlugin = getOrCreate(byWorkspace, e.workspace);
    const byTool = getOrCreate(byPlugin, e.plugin);
    let target = byTool.get(e.tool);
    if (target === undefined) {
      target = this.#resolve(e);
      byTool.set(e.tool, target);
    }
    return target;
  }

  // First sight of a raw label set in this chunk: normalise, then admit or fold.
  #resolve(e: FoldedCall): Target {
    const plugin = this.normalizer.normalize(e.plugin);
    const tool = this.normalizer.normalize(e.tool);
    // JSON so that no label value can make two sets collide; this runs once
    // per raw set and chunk, not per event.
    const setKey = JSON.stringify([e.workspace, plugin, tool]);
    const admitted = this.#guard.admit(e.org, setKey);
    const key = JSON.stringify([e.org, admitted ? setKey : OTHER_LABEL]);
    let target = this.#byLabels.get(key);
    if (target === undefined) {
      const labels = admitted
        ? { org: e.org, workspace: e.workspace, plugin, tool }
        : { org: e.org, workspace: OTHER_LABEL, plugin: OTHER_LABEL, tool: OTHER_LABEL };
      target = { labels, folded: !admitted, minutes: new Map(), days: new Map(), hours: new Map(), hourRollups: new Map(), dayRollups: new Map() };
      this.#byLabels.set(key, target);
    }
    return target;
  }
}

interface Changeable<R> {
  dirty: boolean;
  toRow(): R;
}

/** Queues a minute row or totals for the next take, once until it is taken. */
function markChanged<T extends Changeable<unknown>>(item: T, changed: T[]): void {
  if (item.dirty) return;
  item.dirty = true;
  changed.push(item);
}

/** The rows of what changed since the last take, in the order first changed; empties the queue. */
function takeChanged<R, T extends Changeable<unknown> = Changeable<R>>(changed: T[], row: (item: T) => R = (item) => item.toRow() as R): R[] {
  const rows = changed.map((item) => {
    item.dirty = false;
    return row(item);
  });
  changed.length = 0;
  return rows;
}

const tierRow = (acc: RollupAccumulator): TierRollupRow => acc.toTierRow();

/** The totals of one day or hour of a target, made on first use. */
function totalsAt<T>(byStart: Map<number, T>, start: number, make: (start: number) => T): T {
  let totals = byStart.get(start);
  if (totals === undefined) {
    totals = make(start);
    byStart.set(start, totals);
  }
  return totals;
}

function getOrCreate<T>(map: Map<string, Map<string, T>>, key: string): Map<string, T> {
  let inner = map.get(key);
  if (inner === undefined) {
    inner = new Map();
    map.set(key, inner);
  }
  return inner;
}
