// Deadline risk on the fluid bound, at full quality:
//  (a) critical path: a title cannot finish before arrival + its critical path, however empty the farm;
//  (b) farm: earliest-deadline-first is optimal for a fluid pool with release times, so every
//      deadline can be met only if, for every window [r, D], the work of the titles that arrive at
//      or after r and are due by D fits in slots × (D − r). When a window ending at a title's
//      deadline and opening at or before its arrival is over, EDF runs that title's group last in
//      the window, so it is the one that misses. Work without a deadline is assumed to yield.
import type { Pool } from "../model";
import type { RiskReason } from "./types";
import type { TitleLoad } from "./work";
import { at, dur, others, slotHours } from "./text";

/** Seconds (or slot-seconds) of tolerance before a shortfall counts: float noise is not a risk. */
const EPS = 1e-6;

/** The worst window for one title in one pool. */
export interface WindowCheck {
  /** due − capacity over the window, slot-seconds: positive means over. */
  excess: number;
  from: number;
  due: number;
  capacity: number;
  titles: number;
}

interface Item {
  id: string;
  arrival: number;
  deadline: number;
  work: number;
}

/** For every deadline title with work in `pool`, the window [r ≤ arrival, deadline] with the largest excess. */
export function windowChecks(pool: Pool, loads: readonly TitleLoad[]): Map<string, WindowCheck> {
  const items: Item[] = loads
    .filter((l) => l.deadline !== null && (l.work.get(pool.id) ?? 0) > 0)
    .map((l) => ({ id: l.id, arrival: l.arrival, deadline: l.deadline!, work: l.work.get(pool.id)! }))
    .sort((a, b) => a.arrival - b.arrival);
  const out = new Map<string, WindowCheck>();
  const deadlines = [...new Set(items.map((i) => i.deadline))].sort((a, b) => a - b);
  for (const d of deadlines) {
    const due = items.filter((i) => i.deadline <= d);
    const best = bestWindows(due, d, pool.slots);
    due.forEach((item, k) => {
      if (item.deadline === d) out.set(item.id, best[k]!);
    });
  }
  return out;
}

/**
 * `due` sorted by arrival. For each index k: the worst window [r, d] over opening times r no later
 * than due[k]'s arrival (a prefix maximum; the earliest r wins ties).
 */
function bestWindows(due: readonly Item[], d: number, slots: number): WindowCheck[] {
  const after = new Array<number>(due.length + 1).fill(0);
  for (let k = due.length - 1; k >= 0; k--) after[k] = after[k + 1]! + due[k]!.work;
  const best: WindowCheck[] = [];
  let worst: WindowCheck | null = null;
  for (let k = 0; k < due.length; k++) {
    const r = due[k]!.arrival;
    // Titles arriving together open one window: it starts at the first of them.
    if (worst === null || r !== due[k - 1]!.arrival) {
      const capacity = slots * (d - r);
      const w: WindowCheck = { excess: after[k]! - capacity, from: r, due: after[k]!, capacity, titles: due.length - k };
      if (worst === null || w.excess > worst.excess) worst = w;
    }
    best.push(worst);
  }
  return best;
}

export interface TitleRisk {
  slack: number;
  slackBoundBy: string;
  reasons: RiskReason[];
}

/** The fluid-bound verdict on one deadline title, given its worst window in each pool. */
export function titleRisk(load: TitleLoad, pools: readonly Pool[], checks: ReadonlyMap<string, ReadonlyMap<string, WindowCheck>>): TitleRisk {
  const deadline = load.deadline!;
  const window = deadline - load.arrival;
  const reasons: RiskReason[] = [];
  let slack = window - load.criticalPath;
  let slackBoundBy = "critical path";
  if (slack < -EPS) {
    reasons.push({
      kind: "critical-path",
      message:
        `critical path ${dur(load.criticalPath)} > ${dur(window)} between arrival (${at(load.arrival)}) and deadline ` +
        `(${at(deadline)}): too long even on an empty farm, every task at full width`,
      criticalPath: load.criticalPath,
      window,
    });
  }
  for (const pool of pools) {
    const c = checks.get(pool.id)?.get(load.id);
    if (!c) continue;
    const poolSlack = -c.excess / pool.slots;
    if (poolSlack < slack) {
      slack = poolSlack;
      slackBoundBy = `pool ${pool.id}`;
    }
    if (c.excess <= EPS) continue;
    reasons.push({
      kind: "farm",
      message:
        `pool ${pool.id}: ${slotHours(c.due)} slot-h due by ${at(deadline)} (${others(c.titles - 1)} due earlier or together, ` +
        `arriving from ${at(c.from)}), ${slotHours(c.capacity)} slot-h of capacity from ${at(c.from)} to then`,
      pool: pool.id,
      due: c.due,
      capacity: c.capacity,
      from: c.from,
      to: deadline,
      titles: c.titles,
    });
  }
  return { slack, slackBoundBy, reasons };
}
