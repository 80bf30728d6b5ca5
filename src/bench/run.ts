// `vps bench run`: a batch of twelve short real titles (the shared clips and synthetic lavfi
// sources, 4–12 s each, three premium, two with a deadline) executed on this machine twice in one
// run: by `vps run`, and the way people do it without vps — every encode's argv in the order the
// titles arrived, a fixed number of ffmpeg processes at once (`xargs -P <cores>`), each with
// ffmpeg's default threads. Reported: batch wall time, premium mean turnaround, deadline
// compliance, the CPU's busy share from /proc/stat during each batch; then the cost model's
// per-encode error before and after `vps calibrate` on the first half's history, on a second
// real batch of the second half. A benchmark, not a test: figures are this machine's.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Plan, PlanTask } from "../model";
import { quantile } from "../cost/linalg";
import { ExternalError } from "../util/errors";
import { makeSources, mean, round, spawnDone, workloadYaml } from "./batch";
import { dashArgv } from "../package/dash";
import { DEFAULT_SEGMENT_SECONDS } from "../recipes/delivery";

export interface RunBenchOptions {
  /** Folder of the shared clips (../shared/data/media). */
  media: string;
  /** Scratch folder for sources, outputs and reports. */
  dir: string;
  /** Slots (= parallel processes for the naive batch). */
  slots: number;
  /** How to start vps itself: [node, bin/vps]. */
  vps: readonly string[];
}

/** Busy share of every CPU between two /proc/stat readings. */
function cpuTimes(): { busy: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  const total = v.reduce((s, x) => s + x, 0);
  return { busy: total - idle, total };
}

interface CpuSample {
  /** Seconds since the batch began. */
  at: number;
  busy: number;
  total: number;
}

/** Samples /proc/stat every half second while `work` runs: the busy share over any stretch of it. */
async function measured<T>(work: () => Promise<T>): Promise<{ value: T; wall: number; cpuBusy: number; samples: CpuSample[]; startedAtMs: number }> {
  const t0 = performance.now();
  const sample = (): CpuSample => ({ at: (performance.now() - t0) / 1000, ...cpuTimes() });
  const samples = [sample()];
  const timer = setInterval(() => samples.push(sample()), 500);
  const value = await work().finally(() => clearInterval(timer));
  samples.push(sample());
  const wall = samples[samples.length - 1]!.at;
  return { value, wall, cpuBusy: busyShare(samples, wall), samples, startedAtMs: performance.timeOrigin + t0 };
}

/** Busy share of the CPUs from the batch's start to `until` seconds (the sample nearest before it). */
function busyShare(samples: readonly CpuSample[], until: number): number {
  const first = samples[0]!;
  const last = [...samples].reverse().find((s) => s.at <= until + 1e-9) ?? first;
  return (last.busy - first.busy) / Math.max(1, last.total - first.total);
}

function vpsSync(opts: RunBenchOptions, args: string[]): string {
  const [node, ...pre] = opts.vps;
  const r = spawnSync(node!, [...pre, ...args], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new ExternalError(`vps ${args[0]} failed in the bench (exit ${r.status}): ${r.stderr.slice(-2000)}`);
  return r.stdout;
}

/** ffmpeg's default threads: vps's width dropped from an argv. */
function defaultThreads(argv: readonly string[]): string[] {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "-threads") i++;
    else args.push(argv[i]!);
  }
  return args;
}

/** The argv's output file (the last argument, a `file:` URL when its name holds a colon). */
const outputOf = (argv: readonly string[]): string => argv[argv.length - 1]!.replace(/^file:/, "");

/**
 * Without vps: the plan's encode and audio argv in arrival order, `slots` at a time, default
 * threads; then, as a person would script it, each deliverable packaged with the same DASH
 * muxer command vps runs (src/package/dash.ts) once its title's files are there, in the same
 * queue. (vps also writes the HLS playlists and checks each package: the naive batch does not.)
 */
async function naiveBatch(opts: RunBenchOptions, plan: Plan, order: readonly string[]): Promise<{ finish: Map<string, number>; lastStart: number }> {
  const byTitle = (a: PlanTask, b: PlanTask) => order.indexOf(a.title) - order.indexOf(b.title) || (a.id < b.id ? -1 : 1);
  const media = plan.tasks.filter((t): t is PlanTask & { argv: string[] } => (t.kind === "encode" || t.kind === "audio") && t.argv !== undefined).sort(byTitle);
  const packages = plan.tasks.filter((t) => t.kind === "package" && t.deliverable !== undefined && media.some((m) => m.title === t.title)).sort(byTitle);
  const finish = new Map<string, number>();
  const left = new Map<string, number>();
  for (const m of media) left.set(m.title, (left.get(m.title) ?? 0) + 1);
  const ready = new Map<string, Promise<void>>();
  const done = new Map<string, () => void>();
  for (const title of left.keys()) ready.set(title, new Promise<void>((r) => done.set(title, r)));
  type Job = { title: string; package: boolean; argv: () => string[] };
  const packageArgv = (pkg: PlanTask) => () => {
    const inputs = media
      .filter((m) => m.title === pkg.title && (m.kind === "audio" || m.deliverable === pkg.deliverable))
      .map((m) => ({ file: outputOf(m.argv), kind: m.kind === "audio" ? ("audio" as const) : ("video" as const), codec: m.kind === "audio" ? "aac" : "video" }));
    const dir = join(opts.dir, "naive-packages", pkg.title, pkg.deliverable!);
    spawnSync("mkdir", ["-p", dir]);
    return dashArgv(inputs, DEFAULT_SEGMENT_SECONDS, dir);
  };
  const jobs: Job[] = [...media.map((m) => ({ title: m.title, package: false, argv: () => defaultThreads(m.argv) })), ...packages.map((p) => ({ title: p.title, package: true, argv: packageArgv(p) }))];
  const t0 = performance.now();
  let next = 0;
  let lastStart = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      const title = job.title;
      if (job.package) await ready.get(title);
      lastStart = (performance.now() - t0) / 1000;
      const args = job.argv();
      if (!job.package) spawnSync("mkdir", ["-p", join(outputOf(args), "..")]);
      const code = await spawnDone("ffmpeg", args);
      if (code !== 0) throw new ExternalError(`the naive batch's ffmpeg failed (exit ${code}) on ${title}`);
      finish.set(title, (performance.now() - t0) / 1000);
      if (!job.package) {
        left.set(title, left.get(title)! - 1);
        if (left.get(title) === 0) done.get(title)!();
      }
    }
  };
  await Promise.all(Array.from({ length: opts.slots }, worker));
  return { finish, lastStart };
}

const median = (xs: readonly number[]) => (xs.length === 0 ? 0 : quantile(xs, 0.5));

/** Median |predicted − actual| ÷ actual over the encodes of `titles` in a run report. */
function encodeError(plan: Plan, titles: ReadonlySet<string>): number {
  const errors = plan.tasks
    .filter((t) => t.kind === "encode" && titles.has(t.title) && t.predicted !== undefined && t.end > t.start)
    .map((t) => Math.abs(t.predicted! - (t.end - t.start)) / (t.end - t.start));
  return median(errors);
}

export interface RunBenchReport {
  titles: number;
  slots: number;
  /** cpuBusy over the whole batch; cpuBusyQueued until the last encode started (while work was queued). */
  naive: { wallSeconds: number; premiumTurnaround: number; cpuBusy: number; cpuBusyQueued: number };
  vps: { wallSeconds: number; premiumTurnaround: number; cpuBusy: number; cpuBusyQueued: number; deadlineCompliance: number | null; downgrades: number };
  ratios: { wall: number; premiumTurnaround: number };
  calibration: { encodeErrorBefore: number; encodeErrorAfter: number };
  /** Encodes of the vps batch: CPU seconds ÷ wall seconds ÷ slots (1 = exactly its width). */
  widthUse: { encodes: number; median: number; max: number; within: number };
  bars: { wallAtMostNaive: boolean; premiumHalved: boolean; deadlinesMet: boolean; cpuBusy90: boolean; calibrationHelps: boolean };
}

export async function runBench(opts: RunBenchOptions): Promise<RunBenchReport> {
  const sources = makeSources(opts);
  const order = sources.map((s) => s.id);
  const batch = join(opts.dir, "batch.yaml");
  writeFileSync(batch, workloadYaml(sources, opts.slots));
  const cache = ["--cache", join(opts.dir, "cache")];
  // Deadlines: one premium title due at the time the naive batch reaches it, another at 60% of it.
  const plan = JSON.parse(vpsSync(opts, ["plan", batch, "--json", "--out-dir", join(opts.dir, "naive"), ...cache])) as Plan;
  const naive = await measured(() => naiveBatch(opts, plan, order));
  const premium = sources.filter((s) => s.tier === "premium");
  premium[0]!.deadline = round(naive.value.finish.get(premium[0]!.id)!, 1);
  premium[1]!.deadline = round(0.6 * naive.value.finish.get(premium[1]!.id)!, 1);
  writeFileSync(batch, workloadYaml(sources, opts.slots));
  const vpsOut = join(opts.dir, "vps");
  const run = await measured(() => spawnDone(opts.vps[0]!, [...opts.vps.slice(1), "run", batch, "--out-dir", vpsOut, "--slots", `cpu=${opts.slots}`, ...cache]));
  if (run.value !== 0) throw new ExternalError(`vps run failed in the bench (exit ${run.value}); see ${vpsOut}/run.json`);
  const report = JSON.parse(readFileSync(join(vpsOut, "run.json"), "utf8")) as Plan;
  // Calibration: fit on the first half's history, then run the second half with that model.
  const firstHalf = new Set(order.slice(0, order.length / 2));
  const secondHalf = new Set(order.slice(order.length / 2));
  const history = readFileSync(join(vpsOut, "history.csv"), "utf8").trim().split("\n");
  const firstCsv = join(opts.dir, "first-half.csv");
  writeFileSync(firstCsv, [history[0], ...history.slice(1).filter((l) => firstHalf.has(l.split(",")[0]!))].join("\n") + "\n");
  const model = join(opts.dir, "model.json");
  vpsSync(opts, ["calibrate", firstCsv, "-o", model]);
  const second = join(opts.dir, "second.yaml");
  writeFileSync(second, workloadYaml(sources.filter((s) => secondHalf.has(s.id)).map((s) => ({ ...s, deadline: undefined })), opts.slots));
  const afterOut = join(opts.dir, "calibrated");
  const after = await spawnDone(opts.vps[0]!, [...opts.vps.slice(1), "run", second, "--out-dir", afterOut, "--slots", `cpu=${opts.slots}`, "--cost-model", model, ...cache]);
  if (after !== 0) throw new ExternalError(`vps run with the calibrated model failed in the bench (exit ${after})`);
  const calibrated = JSON.parse(readFileSync(join(afterOut, "run.json"), "utf8")) as Plan;

  const premiumIds = premium.map((s) => s.id);
  const naivePremium = mean(premiumIds.map((id) => naive.value.finish.get(id)!));
  // vps's times count from its own start, a moment after the process was spawned: the report's
  // epoch says when, against the wall clock the samples were taken on.
  const vpsLastStart = (Date.parse(report.epoch) - run.startedAtMs) / 1000 + Math.max(...report.tasks.filter((t) => t.kind === "encode").map((t) => t.start));
  const vpsPremium = mean(report.titles.filter((t) => premiumIds.includes(t.id)).map((t) => t.finish! - t.arrival));
  const before = encodeError(report, secondHalf);
  const afterError = encodeError(calibrated, secondHalf);
  const widths = report.tasks
    .filter((t) => t.kind === "encode" && t.cpuSeconds !== undefined && t.end > t.start)
    .map((t) => t.cpuSeconds! / (t.end - t.start) / t.slots);
  const out: RunBenchReport = {
    titles: sources.length,
    slots: opts.slots,
    naive: { wallSeconds: round(naive.wall), premiumTurnaround: round(naivePremium), cpuBusy: round(naive.cpuBusy), cpuBusyQueued: round(busyShare(naive.samples, naive.value.lastStart)) },
    vps: {
      wallSeconds: round(run.wall),
      premiumTurnaround: round(vpsPremium),
      cpuBusy: round(run.cpuBusy),
      cpuBusyQueued: round(busyShare(run.samples, vpsLastStart)),
      deadlineCompliance: report.metrics.deadlineCompliance,
      downgrades: report.titles.reduce((n, t) => n + t.downgrades.length, 0),
    },
    ratios: { wall: round(run.wall / naive.wall), premiumTurnaround: round(vpsPremium / naivePremium) },
    calibration: { encodeErrorBefore: round(before), encodeErrorAfter: round(afterError) },
    // Within: the share of encodes that used no more than 10% over their slots.
    widthUse: { encodes: widths.length, median: round(median(widths)), max: round(Math.max(0, ...widths)), within: round(widths.filter((w) => w <= 1.1).length / Math.max(1, widths.length)) },
    bars: {
      wallAtMostNaive: run.wall <= naive.wall,
      premiumHalved: vpsPremium <= 0.5 * naivePremium,
      deadlinesMet: report.metrics.deadlineCompliance === 1,
      cpuBusy90: busyShare(run.samples, vpsLastStart) >= 0.9,
      calibrationHelps: afterError < before,
    },
  };
  return out;
}
