// The deadline sequence the at-risk band is served in, kept on the state. Searched again
// (`reorder`, src/sched/sequence.ts) only when the problem changed — deadline work arrived,
// weights or capacity changed, a downgrade took work off, estimates proved wrong — and only when
// some title is at risk at all: otherwise nothing is in the band and the order is moot. Between
// searches the order of what is left stands (the tail of a good sequence is a good sequence for
// the titles it leaves), and only the band's membership is updated (`reband`).
import { runningWork } from "./allocate";
import { rekey } from "./dispatch";
import { type SeqFarm, type SeqJob, sequence } from "./sequence";
import type { SimState, SimTitle } from "./state";

const activeTitles = (state: SimState): SimTitle[] =>
  [...state.activeDeadline].sort((a, b) => a - b).map((i) => state.titles[i]!).filter((t) => t.finish === null);

function farmOf(state: SimState): SeqFarm {
  return {
    now: state.now,
    slots: state.pools.map((p) => p.slots),
    start: state.pools.map((p, i) => state.now + (p.slots > 0 ? runningWork(state, i) / p.slots : 0)),
  };
}

const jobOf = (state: SimState, t: SimTitle): SeqJob => ({ work: t.workByPool, deadline: t.deadline!, weight: t.weight, minEnd: state.now + t.remainingPath });

/** Searches the sequence again, sets each title's block, then the band. */
export function reorder(state: SimState): void {
  state.orderDirty = false;
  state.orderStale = false;
  const titles = activeTitles(state);
  const anyAtRisk = titles.some((t) => state.policy.atRisk(t, state.now));
  // Nobody at risk: no band to order. Earliest deadline first, as the projection assumes.
  const order = anyAtRisk ? sequence(titles.map((t) => jobOf(state, t)), farmOf(state)) : titles.map((_, i) => i).sort((a, b) => titles[a]!.deadlineRank - titles[b]!.deadlineRank);
  const sequenced = order.map((i) => titles[i]!);
  // In deadline order, blocks are the deadline groups, served longest path first inside (the
  // policy's key); any other order is followed title by title.
  const edd = sequenced.every((t, i) => i === 0 || sequenced[i - 1]!.deadline! <= t.deadline!);
  const changed = new Set<SimTitle>();
  sequenced.forEach((t, i) => {
    const block = edd ? t.groupEnd : i;
    if (t.sequenceBlock !== block) changed.add(t);
    t.sequenceBlock = block;
  });
  state.sequence = sequenced.map((t) => t.idx);
  reband(state, changed);
}

/**
 * Puts in the band each title that would miss its deadline if the band's titles sequenced after
 * it went first (its own slack is less than the time their work takes the farm), and takes out
 * those no longer so; re-keys them and the titles in `changed`. On one slot that is every title
 * ahead of an at-risk one whose slack is shorter than the work behind it; on a wide farm a title
 * with hours of slack stays out, free to go after the at-risk work in value order.
 */
export function reband(state: SimState, changed: Set<SimTitle> = new Set()): void {
  state.bandDirty = false;
  const behind = new Array<number>(state.pools.length).fill(0);
  for (let i = state.sequence.length - 1; i >= 0; i--) {
    const t = state.titles[state.sequence[i]!]!;
    if (t.finish === null) {
      const follower = !state.policy.atRisk(t, state.now) && t.deadline! - t.projected < delayOf(state, behind);
      if (t.bandFollower !== follower) changed.add(t);
      t.bandFollower = follower;
      t.workByPool.forEach((w, p) => (behind[p]! += w));
    }
  }
  for (const t of changed) if (t.finish === null) rekey(state, t);
}

/** Seconds the farm takes for `work` (slot-seconds per pool), its pools working in parallel. */
function delayOf(state: SimState, work: readonly number[]): number {
  let d = 0;
  for (let p = 0; p < work.length; p++) if (work[p]! > 0) d = Math.max(d, state.pools[p]!.slots > 0 ? work[p]! / state.pools[p]!.slots : Infinity);
  return d;
}
