// Options shared by `vps plan` and `vps simulate` that choose how encodes get their slots and
// whether the run's costs stray from the model's predictions.
import { type Command, InvalidArgumentError } from "commander";
import { SHIPPED_FIT } from "../cost/shipped";
import type { PlanOptions } from "../plan/build";
import { type Allocation, PREDICTIVE } from "../sched/allocate";
import { DEFAULT_TASK_SIGMA } from "../sched/truth";

export interface AllocationFlags {
  allocation?: Allocation;
  /** Commander's --no-backfill sets this false. */
  backfill?: boolean;
  noise?: number;
}

export function parseAllocation(value: string): Allocation {
  if (value === "predictive" || value === "planned") return { mode: value };
  const m = /^fixed:(\d+)$/.exec(value);
  if (m && Number(m[1]) >= 1) return { mode: "fixed", slots: Number(m[1]) };
  throw new InvalidArgumentError(`expected predictive, planned or fixed:N (N slots per encode, N ≥ 1), found "${value}"`);
}

export function parseSigma(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n > 2) {
    throw new InvalidArgumentError(`expected a log-normal σ between 0 and 2 (0 = costs exactly as predicted), found "${value}"`);
  }
  return n;
}

export function addAllocationOptions(cmd: Command, defaultNoise: number): Command {
  return cmd
    .option(
      "--allocation <mode>",
      "slots per encode: predictive (chosen at start from the speedup curve and the queue), planned (the cost model's width per rendition) or fixed:N",
      parseAllocation,
    )
    .option("--no-backfill", "strict priority order: a task that cannot start blocks its pool (no backfill around reservations)")
    .option(
      "--noise <sigma>",
      `σ of ln(true ÷ predicted cost) per title, drawn from the seed: the run's costs stray from the model's and the scheduler learns; ${SHIPPED_FIT.titleSigma} is the spread measured in the transcode times`,
      parseSigma,
      defaultNoise,
    );
}

/** The PlanOptions fields the flags set; the truth is drawn from `seed`. */
export function allocationOptions(flags: AllocationFlags, seed: number): Pick<PlanOptions, "allocation" | "backfill" | "truth"> {
  const noise = flags.noise ?? 0;
  return {
    allocation: flags.allocation ?? PREDICTIVE,
    backfill: flags.backfill ?? true,
    truth: noise > 0 ? { seed, titleSigma: noise, taskSigma: DEFAULT_TASK_SIGMA } : null,
  };
}
