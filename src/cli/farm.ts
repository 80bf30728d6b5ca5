// `vps farm status --queue URL`: the live farm as Redis holds it — each worker with its pools,
// slots and the tasks it runs, the jobs waiting on its queue, and the coordinator's run (titles
// in flight). Reads only; `--json` for tools.
import type { Command } from "commander";
import { Queue, type ConnectionOptions } from "bullmq";
import { liveWorkers } from "../farm/coordinator";
import { COORDINATOR_KEY, type CoordinatorRecord, PREFIX, type WorkerRecord, workerQueue } from "../farm/protocol";
import { connect, parseRedisUrl, ready } from "../farm/redis";
import { type Column, renderTable, UNLIMITED, wrapText } from "../util/table";
import { terminalWidth } from "./output";

export interface FarmStatus {
  redis: string;
  workers: (WorkerRecord & { waiting: number; busySlots: number })[];
  /** Per pool: live slots, slots busy, jobs waiting on the workers' queues. */
  pools: Record<string, { slots: number; busy: number; waiting: number; workers: number }>;
  coordinator: CoordinatorRecord | null;
}

export async function farmStatus(url: string): Promise<FarmStatus> {
  const target = parseRedisUrl(url);
  const redis = connect(target, "vps-farm-status");
  redis.on("error", () => {});
  try {
    await ready(redis, target);
    const records = await liveWorkers(redis);
    const workers: FarmStatus["workers"] = [];
    for (const w of records) {
      const queue = new Queue(workerQueue(w.instance), { connection: target.options as ConnectionOptions, prefix: PREFIX });
      const waiting = await queue.getWaitingCount().finally(() => queue.close());
      workers.push({ ...w, waiting, busySlots: w.running.reduce((s, r) => s + r.slots, 0) });
    }
    const pools: FarmStatus["pools"] = {};
    for (const w of workers) {
      for (const [p, n] of Object.entries(w.pools)) {
        const e = (pools[p] ??= { slots: 0, busy: 0, waiting: 0, workers: 0 });
        e.slots += n;
        e.workers++;
        e.busy += w.running.filter((r) => r.pool === p).reduce((s, r) => s + r.slots, 0);
      }
      // A worker's queue is not split by pool: its waiting jobs count under its first pool.
      const first = Object.keys(w.pools)[0];
      if (first) pools[first]!.waiting += w.waiting;
    }
    const raw = await redis.get(COORDINATOR_KEY);
    let coordinator: CoordinatorRecord | null = null;
    try {
      coordinator = raw === null ? null : (JSON.parse(raw) as CoordinatorRecord);
    } catch {
      coordinator = null;
    }
    return { redis: target.shown, workers, pools, coordinator };
  } finally {
    redis.disconnect();
  }
}

/** At 80 columns the host and the waiting count go first: the running tasks are what is looked for. */
const WORKER_COLUMNS: (string | Column)[] = ["worker", { head: "host", drop: 2 }, "pools", "busy", { head: "waiting", drop: 1 }, { head: "running", wrap: true }];

function statusText(s: FarmStatus, width = UNLIMITED): string {
  const lines: string[] = [`farm on ${s.redis}: ${s.workers.length} live worker${s.workers.length === 1 ? "" : "s"}`];
  const workerRows = s.workers.map((x) => [x.name, x.host, Object.entries(x.pools).map(([p, n]) => `${p}=${n}`).join(" "), x.busySlots, x.waiting, x.running.map((r) => `${r.task} (${r.slots})`).join("\n") || "-"]);
  if (s.workers.length > 0) lines.push(renderTable(WORKER_COLUMNS, workerRows, width));
  const poolRows = Object.entries(s.pools).map(([name, e]) => [name, e.workers, e.slots, e.busy, e.waiting]);
  if (poolRows.length > 0) lines.push(renderTable(["pool", "workers", "slots", "busy", "queued"], poolRows, width));
  const c = s.coordinator;
  if (c === null) lines.push("no coordinator running");
  else {
    lines.push(wrapText(`coordinator ${c.host} pid ${c.pid} (run ${c.run}): ${c.tasksDone}/${c.tasks} tasks done, ${c.inFlight} on workers, ${c.titles.length} title(s) in flight`, width));
    for (const t of c.titles.slice(0, 20)) lines.push(`  ${t.id} (${t.tier}${t.deadline === null ? "" : `, due +${Math.round(t.deadline)} s`}): ${t.tasksLeft} task(s) left`);
    if (c.titles.length > 20) lines.push(`  … and ${c.titles.length - 20} more`);
  }
  return `${lines.join("\n")}\n`;
}

export function registerFarm(program: Command): void {
  const farm = program.command("farm").description("look at a farm of vps workers");
  farm
    .command("status")
    .description("the live farm: workers, their slots and running tasks, queue depth per pool, titles in flight")
    .requiredOption("--queue <url>", "the farm's Redis (redis://[:password@]host:port, rediss:// for TLS)")
    .option("--json", "print JSON")
    .action(async (flags: { queue: string; json?: boolean }) => {
      const s = await farmStatus(flags.queue);
      process.stdout.write(flags.json || !process.stdout.isTTY ? `${JSON.stringify(s, null, 2)}\n` : statusText(s, terminalWidth()));
    });
}
