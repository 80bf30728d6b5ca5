// `vps worker`: lend this machine's slots to a farm. It runs until stopped (Ctrl-C or SIGTERM):
// what it runs then is stopped and started again by the coordinator on another worker.
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { type Command, InvalidArgumentError, Option } from "commander";
import { parseRedisUrl } from "../farm/redis";
import { defaultWorkerName, runWorker } from "../farm/worker";
import { checkTools } from "../run/preflight";
import { InputError } from "../util/errors";
import { parsePositive } from "./options";

interface WorkerFlags {
  queue: string;
  pool: string[];
  slots?: number;
  name?: string;
  sharedDir: string;
  ffmpeg?: string;
  heartbeat: number;
  benchNoop?: boolean;
}

const parseSlotCount = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1024) throw new InvalidArgumentError(`expected a whole number from 1 to 1024, found ${JSON.stringify(value)}`);
  return n;
};

/** `--pool cpu` (with --slots, default the cores) or `--pool gpu=2`, repeatable. */
export function workerPools(pools: readonly string[], slots: number | undefined): Record<string, number> {
  const out: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const p of pools.length > 0 ? pools : ["cpu"]) {
    const m = /^([A-Za-z][\w-]*)(?:=(\d{1,4}))?$/.exec(p);
    if (!m) throw new InputError(`--pool ${JSON.stringify(p)}: expected a pool name (cpu) or name=slots (gpu=2)`);
    const n = m[2] === undefined ? (slots ?? availableParallelism()) : Number(m[2]);
    if (n < 1 || n > 1024) throw new InputError(`--pool ${p}: slots must be 1 to 1024`);
    if (m[1]! in out) throw new InputError(`--pool ${m[1]} is given twice`);
    out[m[1]!] = n;
  }
  return out;
}

export function registerWorker(program: Command): void {
  program
    .command("worker")
    .description("lend this machine's slots to a farm: run the tasks a `vps run --queue` coordinator hands over through BullMQ")
    .requiredOption("--queue <url>", "the farm's Redis (redis://[:password@]host:port, rediss:// for TLS)")
    .requiredOption("--shared-dir <dir>", "the directory every machine of the farm sees (the coordinator's --shared-dir, mounted here)")
    .addOption(
      new Option("--pool <name[=slots]>", "a pool this worker serves (repeatable)")
        .argParser((v: string, acc: string[]) => [...acc, v])
        .default([] as string[], "cpu"),
    )
    .option("--slots <n>", "slots of a --pool given without =slots (default: the number of cores)", parseSlotCount)
    .option("--name <name>", "how the farm calls this worker (default: the host name)")
    .option("--ffmpeg <path>", "the ffmpeg to run (default: ffmpeg on PATH)")
    .option("--heartbeat <seconds>", "how often this worker tells the farm it is alive; it counts as lost after three misses", parsePositive, 2)
    // `vps bench farm` only: checks every job as usual, then runs nothing (src/farm/worker.ts).
    .addOption(new Option("--bench-noop", "benchmark only: check each job, run nothing, report it done").hideHelp())
    .action(async (flags: WorkerFlags) => {
      const target = parseRedisUrl(flags.queue);
      if (!existsSync(flags.sharedDir)) throw new InputError(`--shared-dir ${flags.sharedDir} does not exist`);
      const ffmpeg = flags.ffmpeg ?? "ffmpeg";
      checkTools(ffmpeg);
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);
      const name = flags.name ?? defaultWorkerName();
      await runWorker(
        { target, name, pools: workerPools(flags.pool, flags.slots), sharedDir: flags.sharedDir, ffmpeg, heartbeatMs: flags.heartbeat * 1000, noop: flags.benchNoop === true, log: (l) => process.stderr.write(`vps worker ${name}: ${l}\n`) },
        stop.signal,
      );
    });
}
