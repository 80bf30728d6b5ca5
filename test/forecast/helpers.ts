// Small inputs for the forecast tests: title loads written directly (exact figures), and pools.
import type { Pool } from "../../src/model";
import type { TitleLoad } from "../../src/forecast/work";

export const H = 3600;

export function aPool(id: string, slots: number): Pool {
  return { id, slots, memoryGiB: null };
}

/** A title's load: `work` in slot-seconds per pool. */
export function aLoad(id: string, arrival: number, work: Record<string, number>, opts: { deadline?: number; criticalPath?: number } = {}): TitleLoad {
  return {
    id,
    tier: "standard",
    arrival,
    deadline: opts.deadline ?? null,
    work: new Map(Object.entries(work)),
    criticalPath: opts.criticalPath ?? 60,
  };
}
