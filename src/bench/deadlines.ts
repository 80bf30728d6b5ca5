// `vps bench deadlines`: vps's own scheduler on the single-machine total weighted tardiness
// problem (OR-Library wt40, src/bench/orlib.ts), against the optimum and two classic dispatch
// rules computed here as references: EDD (earliest due date) and ATC (apparent tardiness cost,
// Vepsalainen & Morton 1987) at k = 2 and at the best k of a small grid per instance.
//
// Each instance is a vps workload: one pool `cpu` of one slot; one title per job, arriving at the
// epoch, due at d·60 s, whose pipeline is a single encode stage of one rung with explicit work
// p·60 slot-seconds (1 time unit = 60 s) and no audio, so each job is exactly one task; the job's
// weight is its tier's weight (tiers w1…w10 weigh 1…10; a title without analytics figures has an
// audience multiplier of exactly 1, src/value/weight.ts). The recipe has no downgrades, so vps
// can only order the jobs, as the problem asks. Pure: instances in, report out.
import { renderTable, UNLIMITED, wrapText } from "../util/table";
import type { Recipe, RecipeBook, Title, Workload } from "../model";
import { assemblePlan, createSimulator, type PlanOptions } from "../plan/build";
import type { PolicyName } from "../sched/policy";
import { InputError } from "../util/errors";
import { pct } from "../util/format";
import { DEFAULT_POLICY_CONFIG } from "../value/config";
import type { WtInstance } from "./orlib";

/** Seconds per time unit of the instances. */
export const UNIT = 60;
/** ATC's look-ahead parameters tried per instance for "ATC, best k". */
export const ATC_GRID = [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5] as const;

const DELIVERABLE = "job";
const PIPELINE = "job";

/** One rung, no downgrades, on the one-slot pool: each title is one encode task of its explicit work. */
export const JOB_RECIPE: Recipe = {
  id: `${DELIVERABLE}/generic`,
  deliverable: DELIVERABLE,
  contentClass: "generic",
  codec: "h264",
  encoder: "libx264",
  preset: "medium",
  pool: "cpu",
  hdr: false,
  bitDepth: 8,
  settings: {},
  reason: "one job of a weighted-tardiness instance: one task of explicit work",
  ladder: [{ name: "job", width: 1280, height: 720, bitrateKbps: 3000 }],
  downgrades: [],
};
export const JOB_BOOK: RecipeBook = { recipes: [JOB_RECIPE] };

const jobId = (j: number, n: number) => `j${String(j + 1).padStart(String(n).length, "0")}`;

/** The instance as a vps workload (see the top of this file). */
export function instanceWorkload(inst: WtInstance): Workload {
  const n = inst.p.length;
  const tiers: Record<string, number> = {};
  for (const w of inst.w) tiers[`w${w}`] = w;
  const titles = inst.p.map(
    (p, j): Title => ({
      id: jobId(j, n),
      arrival: 0,
      tier: `w${inst.w[j]}`,
      value: { expectedViews: 0, viewsSoFar: 0, subscribers: 0, revenuePerView: 0 },
      // Short, so the encode is not split into chunks; its work is the explicit one below.
      content: { duration: 60, width: 1280, height: 720, fps: 25, bitDepth: 8, hdr: "sdr", contentClass: "generic", complexity: 0.5, source: null, audio: false },
      deliverables: [DELIVERABLE],
      deadline: inst.d[j]! * UNIT,
      work: p * UNIT,
      pipeline: PIPELINE,
    }),
  );
  return {
    epoch: "2026-01-01T00:00:00Z",
    capacity: { pools: [{ id: "cpu", slots: 1, memoryGiB: null }], scratchGiB: null },
    tiers,
    titles,
    pipelines: { [PIPELINE]: [{ id: "encode", kind: "encode", after: [], pool: null, workPerSecond: 0, slots: 1 }] },
    policy: structuredClone(DEFAULT_POLICY_CONFIG),
    events: [],
  };
}

/** Σ w·max(0, C − d) of the jobs run back to back from 0 in `order`. */
export function weightedTardiness(inst: WtInstance, order: readonly number[]): number {
  let t = 0;
  let sum = 0;
  for (const j of order) {
    t += inst.p[j]!;
    sum += inst.w[j]! * Math.max(0, t - inst.d[j]!);
  }
  return sum;
}

/** Earliest due date first; equal due dates in job order. */
export function eddOrder(inst: WtInstance): number[] {
  return inst.d.map((_, j) => j).sort((a, b) => inst.d[a]! - inst.d[b]! || a - b);
}

/**
 * ATC: whenever the machine frees at t, the job with the highest index
 * (w/p)·exp(−max(0, d − p − t) / (k·p̄)), p̄ the mean processing time of the jobs left; compared
 * in log space (the exponential underflows for large slacks), ties in job order.
 */
export function atcOrder(inst: WtInstance, k: number): number[] {
  const left = inst.p.map((_, j) => j);
  const order: number[] = [];
  let t = 0;
  let work = inst.p.reduce((s, p) => s + p, 0);
  while (left.length > 0) {
    const scale = k * (work / left.length);
    let best = 0;
    let bestKey = -Infinity;
    left.forEach((j, i) => {
      const key = Math.log(inst.w[j]! / inst.p[j]!) - Math.max(0, inst.d[j]! - inst.p[j]! - t) / scale;
      if (key > bestKey) [best, bestKey] = [i, key];
    });
    const j = left.splice(best, 1)[0]!;
    order.push(j);
    t += inst.p[j]!;
    work -= inst.p[j]!;
  }
  return order;
}

export interface VpsRun {
  /** Σ w·max(0, C − d) in the instance's units, from the plan's finish times. */
  tardiness: number;
  /** Jobs in the order their tasks started. */
  order: number[];
  /** Time units the slot stood idle before the last job ended (0: vps ran the jobs back to back). */
  idle: number;
  /** Jobs started while their title was in the value policy's at-risk band (src/sched/policy.ts). */
  startedAtRisk: number;
  /** Whether every title was in the at-risk band when the first job started. */
  allAtRiskAtStart: boolean;
}

/** vps plans the instance under `policy`; its tardiness is read off the plan. */
export function vpsRun(inst: WtInstance, policy: PolicyName = "value"): VpsRun {
  const workload = instanceWorkload(inst);
  const options: PlanOptions = { policy, seed: null, trace: null };
  let startedAtRisk = 0;
  let allAtRiskAtStart: boolean | null = null;
  // Watches the band each job starts from; reads the scheduler's state, changes nothing.
  const sim = createSimulator(workload, JOB_BOOK, {
    ...options,
    trace: (e) => {
      if (e.type !== "task:start") return;
      const titles = sim.state.titles;
      allAtRiskAtStart ??= titles.every((t) => t.atRisk);
      if (titles.find((t) => t.id === e.title)!.atRisk) startedAtRisk++;
    },
  });
  sim.run();
  const plan = assemblePlan(workload, sim.state, options);
  const index = new Map(workload.titles.map((t, j) => [t.id, j]));
  let tardiness = 0;
  for (const t of plan.titles) {
    const j = index.get(t.id)!;
    tardiness += (inst.w[j]! * Math.max(0, t.finish! - t.deadline!)) / UNIT;
  }
  const order = [...plan.tasks].sort((a, b) => a.start - b.start || (a.title < b.title ? -1 : 1)).map((t) => index.get(t.title)!);
  const total = inst.p.reduce((s, p) => s + p, 0);
  const idle = Math.round((plan.metrics.makespan / UNIT - total) * 1e6) / 1e6;
  return { tardiness: Math.round(tardiness * 1e6) / 1e6, order, idle, startedAtRisk, allAtRiskAtStart: allAtRiskAtStart ?? false };
}

/** Earliest due date first, the longest job first among jobs due together: the at-risk band's order on one slot. */
export function eddLongestFirstOrder(inst: WtInstance): number[] {
  return inst.d.map((_, j) => j).sort((a, b) => inst.d[a]! - inst.d[b]! || inst.p[b]! - inst.p[a]! || a - b);
}

/** How one method did over the instances. */
export interface MethodFigures {
  /** (method − optimum) / optimum over the instances whose optimum is above 0. */
  gap: { instances: number; mean: number; median: number; max: number };
  /** Instances where the method's objective equals the optimum (those of optimum 0 it ran on time included). */
  optimal: { count: number; share: number };
  /** Instances of optimum 0, and how many of them the method ran with no tardiness at all. */
  zeroOptimum: { instances: number; solved: number };
  /** Instances where the method beat the listed value (0 unless a "best known" value was improved). */
  belowListed: number;
}

export const METHODS = ["vps", "vpsFifo", "edd", "atc2", "atcBest"] as const;
export type Method = (typeof METHODS)[number];

export const METHOD_LABELS: Record<Method, string> = {
  vps: "vps (value policy)",
  vpsFifo: "vps (fifo policy)",
  edd: "EDD",
  atc2: "ATC, k = 2",
  atcBest: "ATC, best k per instance",
};

export interface InstanceResult extends Record<Method, number> {
  instance: number;
  optimum: number;
  /** The k of ATC_GRID that gave atcBest (the smallest, on a tie). */
  atcBestK: number;
}

export interface DeadlinesReport {
  instances: number;
  jobs: number;
  unitSeconds: number;
  atcGrid: readonly number[];
  methods: Record<Method, MethodFigures>;
  /** Time units vps's one slot stood idle before the last job ended, over every instance (0: back to back). */
  vpsIdle: number;
  /** Why vps (value) is where it is: the band its jobs started from, and how often its order is plain EDD. */
  vpsBands: {
    jobs: number;
    /** Jobs started from the at-risk band (ordered by deadline, then longest remaining path; no weight). */
    startedAtRisk: number;
    /** Instances in which every title was at risk when the first job started. */
    allAtRiskAtStart: number;
    /** Instances in which vps's order is exactly EDD with the longest job first among jobs due together. */
    eddLongestFirst: number;
  };
  results: InstanceResult[];
}

const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function figures(results: readonly InstanceResult[], method: Method): MethodFigures {
  const gaps = results.filter((r) => r.optimum > 0).map((r) => (r[method] - r.optimum) / r.optimum);
  const zero = results.filter((r) => r.optimum === 0);
  const optimal = results.filter((r) => r[method] === r.optimum).length;
  return {
    gap: {
      instances: gaps.length,
      mean: gaps.length === 0 ? 0 : round(gaps.reduce((s, g) => s + g, 0) / gaps.length),
      median: gaps.length === 0 ? 0 : round(median(gaps)),
      max: gaps.length === 0 ? 0 : round(Math.max(...gaps)),
    },
    optimal: { count: optimal, share: results.length === 0 ? 0 : round(optimal / results.length) },
    zeroOptimum: { instances: zero.length, solved: zero.filter((r) => r[method] === 0).length },
    belowListed: results.filter((r) => r[method] < r.optimum).length,
  };
}

/** Every method on every instance, against `optima` (one per instance, in order). */
export function deadlinesReport(instances: readonly WtInstance[], optima: readonly number[]): DeadlinesReport {
  if (optima.length !== instances.length) throw new InputError(`expected one optimum per instance (${instances.length}), found ${optima.length}`);
  let vpsIdle = 0;
  const bands = { jobs: 0, startedAtRisk: 0, allAtRiskAtStart: 0, eddLongestFirst: 0 };
  const results = instances.map((inst, i): InstanceResult => {
    const vps = vpsRun(inst, "value");
    vpsIdle += vps.idle;
    bands.jobs += inst.p.length;
    bands.startedAtRisk += vps.startedAtRisk;
    if (vps.allAtRiskAtStart) bands.allAtRiskAtStart++;
    const edd = eddLongestFirstOrder(inst);
    if (vps.order.every((j, at) => j === edd[at])) bands.eddLongestFirst++;
    const atc = ATC_GRID.map((k) => weightedTardiness(inst, atcOrder(inst, k)));
    const best = Math.min(...atc);
    return {
      instance: i + 1,
      optimum: optima[i]!,
      vps: vps.tardiness,
      vpsFifo: vpsRun(inst, "fifo").tardiness,
      edd: weightedTardiness(inst, eddOrder(inst)),
      atc2: weightedTardiness(inst, atcOrder(inst, 2)),
      atcBest: best,
      atcBestK: ATC_GRID[atc.indexOf(best)]!,
    };
  });
  return {
    instances: instances.length,
    jobs: instances[0]?.p.length ?? 0,
    unitSeconds: UNIT,
    atcGrid: ATC_GRID,
    methods: Object.fromEntries(METHODS.map((m) => [m, figures(results, m)])) as Record<Method, MethodFigures>,
    vpsIdle: round(vpsIdle, 6),
    vpsBands: bands,
    results,
  };
}

/** The report for people: one row per method. */
export function formatDeadlinesBench(r: DeadlinesReport, width = UNLIMITED): string {
  const zero = r.methods.vps.zeroOptimum.instances;
  const head = ["method", "mean gap", { head: "median gap", drop: 2 }, { head: "max gap", drop: 1 }, "optimal", `on time where opt = 0 (${zero})`];
  const rows = METHODS.map((m) => {
    const f = r.methods[m];
    return [METHOD_LABELS[m], pct(f.gap.mean), pct(f.gap.median), pct(f.gap.max), `${f.optimal.count}/${r.instances} (${pct(f.optimal.share)})`, `${f.zeroOptimum.solved}/${zero}`];
  });
  const before =
    `bench deadlines — ${r.instances} instances of ${r.jobs} jobs (OR-Library wt40), total weighted tardiness; ` +
    `gap = (method − optimum) / optimum over the ${r.methods.vps.gap.instances} instances of optimum > 0; 1 time unit = ${r.unitSeconds} s`;
  const after =
    `ATC: index (w/p)·exp(−max(0, d − p − t)/(k·p̄)); best k of ${r.atcGrid.join(", ")} per instance. vps idle time: ${r.vpsIdle} units\n` +
    `vps (value): ${r.vpsBands.startedAtRisk} of ${r.vpsBands.jobs} jobs started from the at-risk band; every title at risk from the start in ` +
    `${r.vpsBands.allAtRiskAtStart} instances; order exactly EDD, longest first among jobs due together, in ${r.vpsBands.eddLongestFirst}`;
  return `${wrapText(before, width)}\n${renderTable(head, rows, width)}\n${wrapText(after, width)}\n`;
}
