// The fluid model of the farm: each pool is one server of rate `slots` that runs any queued work at
// full width the moment it arrives (no dependencies, no whole-slot granularity, no memory or
// scratch limits). It is a lower bound on what the planner can achieve: backlogs here are the least
// the farm will carry, clear times the earliest it can be done.
import type { Pool } from "../model";
import type { HourRow, PoolForecast } from "./types";
import type { TitleLoad } from "./work";

export const HOUR = 3600;

/** Below this many slot-seconds a backlog is float noise, not work. */
const EPS = 1e-6;

interface Arrival {
  at: number;
  work: number;
}

/** A pool's arrivals in time order (ties in the loads' order, so the result is deterministic). */
function arrivalsIn(pool: string, loads: readonly TitleLoad[]): Arrival[] {
  return loads
    .map((l) => ({ at: l.arrival, work: l.work.get(pool) ?? 0 }))
    .filter((a) => a.work > 0)
    .sort((a, b) => a.at - b.at);
}

/**
 * When a work-conserving queue of rate `slots` has done all its work: the latest, over arrivals k,
 * of a_k + (work arriving at or after a_k) / slots. 0 when there is no work.
 */
export function doneTime(arrivals: readonly Arrival[], slots: number): number {
  let clear = 0;
  let after = 0;
  for (let k = arrivals.length - 1; k >= 0; k--) {
    after += arrivals[k]!.work;
    clear = Math.max(clear, arrivals[k]!.at + after / slots);
  }
  return clear;
}

/** The hours the forecast covers: from the epoch (or the earliest arrival) until every pool has cleared. */
export function horizonHours(loads: readonly TitleLoad[], doneAt: readonly number[]): { first: number; end: number } {
  if (loads.length === 0) return { first: 0, end: 0 };
  // Reduced, not spread: a peak-hour workload has more titles than a call's argument limit.
  const earliest = loads.reduce((m, l) => Math.min(m, l.arrival), Infinity);
  const latest = loads.reduce((m, l) => Math.max(m, l.arrival), -Infinity);
  const first = Math.min(0, Math.floor(earliest / HOUR));
  const lastArrival = Math.floor(latest / HOUR) + 1;
  const cleared = Math.ceil(doneAt.reduce((m, c) => Math.max(m, c), 0) / HOUR - 1e-9);
  return { first, end: Math.max(lastArrival, cleared) };
}

/**
 * The pool's fluid queue sampled at every hour's end. Titles enter at their arrival instant, so a
 * pool that idles early in an hour cannot spend that idle time on work arriving later in the hour:
 * backlog(h+1) = max(0, backlog(h) + demand(h) − capacity(h)) when the work arrives at the hour's
 * start, and can only be higher otherwise.
 */
export function hourRows(arrivals: readonly Arrival[], slots: number, first: number, end: number): HourRow[] {
  const rows: HourRow[] = [];
  const capacity = slots * HOUR;
  let queued = 0;
  let now = first * HOUR;
  let next = 0;
  const run = (until: number): number => {
    const used = Math.min(queued, slots * (until - now));
    queued = queued - used < EPS ? 0 : queued - used;
    now = until;
    return used;
  };
  for (let hour = first; hour < end; hour++) {
    const endOfHour = (hour + 1) * HOUR;
    let demand = 0;
    let served = 0;
    while (next < arrivals.length && arrivals[next]!.at < endOfHour) {
      const a = arrivals[next++]!;
      served += run(Math.max(now, a.at));
      queued += a.work;
      demand += a.work;
    }
    served += run(endOfHour);
    rows.push({ hour, start: hour * HOUR, demand, capacity, served, utilisation: served / capacity, load: demand / capacity, backlog: queued });
  }
  return rows;
}

/**
 * When the backlog clears for good: the first moment the queue is empty in the hour after the last
 * hour that ends with a backlog. Null when no hour ends with a backlog (none builds up).
 */
export function backlogClears(arrivals: readonly Arrival[], slots: number, hours: readonly HourRow[]): number | null {
  let last = -1;
  hours.forEach((h, i) => {
    if (h.backlog > 0) last = i;
  });
  const next = hours[last + 1];
  if (last < 0 || next === undefined) return null;
  // Replay that hour from its carried-over backlog until the queue first runs dry.
  let queued = hours[last]!.backlog;
  let now = next.start;
  for (const a of arrivals) {
    if (a.at < now) continue;
    if (a.at >= next.start + HOUR || queued <= slots * (a.at - now)) break;
    queued += a.work - slots * (a.at - now);
    now = a.at;
  }
  return now + queued / slots;
}

export interface FluidResult {
  pools: PoolForecast[];
  first: number;
  end: number;
}

export function fluidForecast(pools: readonly Pool[], loads: readonly TitleLoad[]): FluidResult {
  const arrivals = pools.map((p) => arrivalsIn(p.id, loads));
  const done = pools.map((p, i) => doneTime(arrivals[i]!, p.slots));
  const { first, end } = horizonHours(loads, done);
  const forecasts = pools.map((p, i): PoolForecast => {
    const hours = hourRows(arrivals[i]!, p.slots, first, end);
    return {
      id: p.id,
      slots: p.slots,
      work: arrivals[i]!.reduce((s, a) => s + a.work, 0),
      clearsAt: backlogClears(arrivals[i]!, p.slots, hours),
      doneAt: done[i]!,
      peakBacklog: hours.reduce((m, h) => Math.max(m, h.backlog), 0),
      hours,
    };
  });
  return { pools: forecasts, first, end };
}
