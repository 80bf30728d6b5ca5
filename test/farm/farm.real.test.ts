// `vps run --queue` on a real farm: a real redis-server on a loopback port and real `vps worker`
// processes on this machine standing in for machines, each with one slot. What a user relies on:
// every task runs on some worker and the titles are published whole; a worker killed with SIGKILL
// mid-encode loses its try (its ffmpeg dies with it), and the task is run again by a worker that
// joined later, with nothing of the dead try left behind.
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type ConnectionOptions, Queue, QueueEvents } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FarmStatus } from "../../src/cli/farm";
import { SOURCE_FORMATS } from "../../src/encode/formats";
import { liveWorkers } from "../../src/farm/coordinator";
import { PREFIX, PROTOCOL, workerQueue } from "../../src/farm/protocol";
import { connect, parseRedisUrl } from "../../src/farm/redis";
import type { Run } from "../cli/run";
import { vpsIn } from "../run/cli";
import { callsOf, cuedFfmpeg, filesUnder, journalOf, makeSourceWithAudio, processesMentioning, publishedRungs, reportOf, type Running, vpsStart, waitFor, workloadYaml } from "../run/cli";
import { tempDir } from "../tempDir";
import { type RedisServer, startRedis } from "./redis";

let redis: RedisServer;
const workers: Running[] = [];
const logs = new Map<Running, () => string>();

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill("SIGTERM");
  await Promise.all(workers.map((w) => w.done));
  await redis.stop();
});

/** `vps worker` with one slot and a fast heartbeat (lost 1.5 s after it stops answering). */
function worker(shared: string, name: string, ...flags: string[]): Running {
  return workerOn(redis.url, shared, name, ...flags);
}

function workerOn(url: string, shared: string, name: string, ...flags: string[]): Running {
  const w = vpsStart({ cwd: shared }, "worker", "--queue", url, "--shared-dir", shared, "--slots", "1", "--name", name, "--heartbeat", "0.5", ...flags);
  let log = "";
  w.child.stderr!.on("data", (s: string) => (log += s));
  logs.set(w, () => log);
  workers.push(w);
  return w;
}

const logOf = (w: Running) => logs.get(w)!();
const expectExit = (r: Run, code: number) => expect(r.status, `exit ${r.status}, stderr:\n${r.stderr}`).toBe(code);

/** Two titles on h264-sdr (the cpu pool); the workload also declares a gpu pool that nothing runs on. */
function sharedWithTitles(): string {
  const yaml = workloadYaml([{ id: "a", tier: "premium", source: "a.mp4" }, { id: "b", tier: "ugc", source: "b.mp4" }]).replace("pools: { cpu: 2 }", "pools: { cpu: 2, gpu: 1 }");
  const shared = tempDir({ "w.yaml": yaml });
  makeSourceWithAudio(join(shared, "a.mp4"), "640x360", 2);
  makeSourceWithAudio(join(shared, "b.mp4"), "320x180", 1);
  return shared;
}

const coordinator = (shared: string, ...flags: string[]) => coordinatorOn(redis.url, shared, ...flags);
const coordinatorOn = (url: string, shared: string, ...flags: string[]) =>
  vpsStart({ cwd: shared }, "run", "w.yaml", "--queue", url, "--shared-dir", shared, "--out-dir", join(shared, "out"), "--cache", join(shared, "cache"), ...flags);

describe("vps run --queue: two workers", () => {
  let shared: string;
  let r: Run;
  let status: Run;
  beforeAll(async () => {
    shared = sharedWithTitles();
    const w1 = worker(shared, "n1");
    const w2 = worker(shared, "n2");
    await waitFor("both workers ready", () => logOf(w1).includes("ready") && logOf(w2).includes("ready"));
    const run = coordinator(shared);
    await waitFor("a task to start", () => logOf(w1).includes("start ") || logOf(w2).includes("start "), 60_000);
    status = vpsIn({ cwd: shared }, "farm", "status", "--queue", redis.url, "--json");
    r = await run.done;
    w1.child.kill("SIGTERM");
    w2.child.kill("SIGTERM");
  }, 180_000);

  it("publishes every title, each rendition made by one of the workers", () => {
    expectExit(r, 0);
    // The gpu pool no task runs on is not waited for (it cost the whole --wait-workers).
    expect(r.stderr).toMatch(/^vps: waiting up to 30 s for workers of cpu on /m);
    const out = join(shared, "out");
    expect(publishedRungs(out)).toEqual(["a/h264-sdr/240p.m3u8", "a/h264-sdr/360p.m3u8", "b/h264-sdr/240p.m3u8"]);
    const encodes = reportOf(out).tasks.filter((t) => t.kind === "encode" || t.kind === "audio");
    expect(encodes.length).toBeGreaterThan(0);
    for (const t of encodes) expect(["n1", "n2"], t.id).toContain(t.worker);
    // Both machines worked: two slots, and the scheduler kept both busy.
    expect(new Set(encodes.map((t) => t.worker)).size).toBe(2);
  });

  it("vps farm status shows both workers, the pool's two slots and the coordinator's run while it runs", () => {
    expectExit(status, 0);
    const s = JSON.parse(status.stdout) as FarmStatus;
    expect(s.workers.map((w) => w.name).sort()).toEqual(["n1", "n2"]);
    expect(s.pools.cpu).toMatchObject({ workers: 2, slots: 2 });
    expect(s.coordinator?.tasks).toBeGreaterThan(0);
    expect(s.coordinator!.titles.map((t) => t.id).length).toBeGreaterThan(0);
  });

  it("passes vps check-package, and leaves no temporary file", () => {
    const checked = vpsIn({ cwd: shared }, "check-package", join(shared, "out/published/a/h264-sdr"));
    expectExit(checked, 0);
    expect(filesUnder(join(shared, "out")).filter((f) => f.includes(".partial"))).toEqual([]);
  });
});

describe("vps run --queue: a worker killed with SIGKILL mid-encode", () => {
  let shared: string;
  let r: Run;
  let slowFfmpeg: string;
  let late: Running;
  beforeAll(async () => {
    shared = sharedWithTitles();
    // The first worker's encode of a's 360p rung takes 8 s before the real encode: time to kill it there.
    slowFfmpeg = cuedFfmpeg(shared, { "a/h264-sdr/360p": "slow-ok" }, 8);
    const doomed = worker(shared, "doomed", "--ffmpeg", slowFfmpeg);
    await waitFor("the first worker ready", () => logOf(doomed).includes("ready"));
    const run = coordinator(shared);
    await waitFor("the 360p encode to start on the first worker", () => logOf(doomed).includes("start a/encode/h264-sdr/360p"), 60_000);
    late = worker(shared, "late");
    await waitFor("the second worker ready", () => logOf(late).includes("ready"));
    doomed.child.kill("SIGKILL");
    r = await run.done;
    late.child.kill("SIGTERM");
  }, 240_000);

  it("finishes the run: the lost encode ran again on the worker that joined", () => {
    expectExit(r, 0);
    expect(r.stderr).toMatch(/worker doomed lost: .*a\/encode\/h264-sdr\/360p/);
    const out = join(shared, "out");
    const t = reportOf(out).tasks.find((x) => x.id === "a/encode/h264-sdr/360p")!;
    expect(t.worker).toBe("late");
    const starts = journalOf(out).filter((e) => e.type === "start" && "task" in e && e.task === "a/encode/h264-sdr/360p");
    expect(starts.length).toBe(2);
    expect(logOf(late)).toContain("start a/encode/h264-sdr/360p");
  });

  it("publishes a whole rendition and keeps nothing of the dead try", () => {
    const out = join(shared, "out");
    expect(publishedRungs(out)).toContain("a/h264-sdr/360p.m3u8");
    // The accepted try's output, checked by the worker that made it: 2 s at 24 fps, and it decodes here too.
    const t = reportOf(out).tasks.find((x) => x.id === "a/encode/h264-sdr/360p")!;
    expect(t.output?.frames).toBe(48);
    expect(filesUnder(out).filter((f) => f.includes(".partial"))).toEqual([]);
    // The dead worker's ffmpeg died with it (setpriv --pdeathsig), rather than encoding on unseen.
    expect(processesMentioning(slowFfmpeg)).toEqual([]);
  });
});

describe("vps run --queue: Redis restarted (no persistence) mid-run", () => {
  let shared: string;
  let r: Run;
  let w: Running;
  beforeAll(async () => {
    let own = await startRedis();
    shared = sharedWithTitles();
    const slow = cuedFfmpeg(shared, { "a/h264-sdr/360p": "slow-ok,ok" }, 6);
    w = workerOn(own.url, shared, "survivor", "--ffmpeg", slow);
    await waitFor("the worker ready", () => logOf(w).includes("ready"));
    const run = coordinatorOn(own.url, shared);
    await waitFor("the 360p encode to start", () => logOf(w).includes("start a/encode/h264-sdr/360p"), 60_000);
    const port = own.port;
    await own.stop();
    own = await startRedis(port);
    r = await run.done;
    w.child.kill("SIGTERM");
    await w.done;
    await own.stop();
  }, 240_000);

  it("notices, starts the lost tries again, and finishes every title", () => {
    expectExit(r, 0);
    expect(r.stderr).toMatch(/Redis lost its data/);
    const out = join(shared, "out");
    expect(publishedRungs(out)).toEqual(["a/h264-sdr/240p.m3u8", "a/h264-sdr/360p.m3u8", "b/h264-sdr/240p.m3u8"]);
    const starts = journalOf(out).filter((e) => e.type === "start" && "task" in e && e.task === "a/encode/h264-sdr/360p");
    expect(starts.length).toBeGreaterThanOrEqual(2);
    expect(filesUnder(out).filter((f) => f.includes(".partial"))).toEqual([]);
  });
});

/**
 * The coordinator SIGKILLed while a's 360p encode runs on the worker (6 s, cued), then started
 * again on the same --out-dir: `whileDown` waits for the worker to finish it first.
 */
async function coordinatorRestarted(whileDown: boolean): Promise<{ shared: string; first: Run; second: Run }> {
  const shared = sharedWithTitles();
  const slow = cuedFfmpeg(shared, { "a/h264-sdr/360p": "slow-ok" }, 6);
  const w = worker(shared, whileDown ? "steady" : "steady2", "--ffmpeg", slow);
  await waitFor("the worker ready", () => logOf(w).includes("ready"));
  const doomed = coordinator(shared);
  await waitFor("the 360p encode to start", () => logOf(w).includes("start a/encode/h264-sdr/360p"), 60_000);
  doomed.child.kill("SIGKILL");
  const first = await doomed.done;
  if (whileDown) await waitFor("the worker to finish it", () => logOf(w).includes("done a/encode/h264-sdr/360p"), 60_000);
  const second = await coordinator(shared).done;
  w.child.kill("SIGTERM");
  await w.done;
  return { shared, first, second };
}

describe.each([
  ["finished while the coordinator was down", true],
  ["still running when the coordinator is back", false],
])("vps run --queue: the coordinator killed and restarted, its try %s", (_, whileDown) => {
  let shared: string;
  let first: Run & { signal?: NodeJS.Signals | null };
  let r: Run;
  beforeAll(async () => {
    ({ shared, first, second: r } = await coordinatorRestarted(whileDown));
  }, 240_000);

  it("adopts the worker's result: the encode ran once, and the restarted run finishes every title", () => {
    expect(first.status).toBeNull();
    expectExit(r, 0);
    expect(r.stderr).toMatch(/adopted +a\/encode\/h264-sdr\/360p \(handed to worker .* by an earlier coordinator/);
    expect(callsOf(shared, 0)).toBe(1);
    const out = join(shared, "out");
    const starts = journalOf(out).filter((e) => e.type === "start" && "task" in e && e.task === "a/encode/h264-sdr/360p");
    expect(starts.length).toBe(1);
    expect(publishedRungs(out)).toEqual(["a/h264-sdr/240p.m3u8", "a/h264-sdr/360p.m3u8", "b/h264-sdr/240p.m3u8"]);
    const t = reportOf(out).tasks.find((x) => x.id === "a/encode/h264-sdr/360p")!;
    expect(t.output?.frames).toBe(48);
    expect(filesUnder(out).filter((f) => f.includes(".partial"))).toEqual([]);
  });
});

describe("vps run --queue: a task failing on one worker", () => {
  let shared: string;
  let r: Run;
  beforeAll(async () => {
    shared = sharedWithTitles();
    // This machine's ffmpeg crashes on b's 240p every time; another machine's is fine.
    const broken = worker(shared, "broken", "--ffmpeg", cuedFfmpeg(shared, { "b/h264-sdr/240p": "crash" }, 0));
    await waitFor("the broken worker ready", () => logOf(broken).includes("ready"));
    const run = coordinator(shared, "--retry-delay", "3", "--max-tries", "5");
    await waitFor("b's 240p to fail there", () => logOf(broken).includes("failed b/encode/h264-sdr/240p"), 60_000);
    const good = worker(shared, "good");
    r = await run.done;
    broken.child.kill("SIGTERM");
    good.child.kill("SIGTERM");
  }, 240_000);

  it("is tried again on another worker, where it succeeds: no fallback, the title published", () => {
    expectExit(r, 0);
    expect(r.stderr).toMatch(/b\/encode\/h264-sdr\/240p failed on worker broken: its next try goes to good/);
    const t = reportOf(join(shared, "out")).tasks.find((x) => x.id === "b/encode/h264-sdr/240p")!;
    expect(t.worker).toBe("good");
    expect(t.tries).toBeGreaterThanOrEqual(2);
    expect(t.fallback).toBeUndefined();
    expect(publishedRungs(join(shared, "out"))).toContain("b/h264-sdr/240p.m3u8");
  });
});

describe("vps worker: a hostile job put straight on its queue", () => {
  it("is refused before anything runs, with the reason, and nothing is written", async () => {
    const shared = tempDir({ "in.mp4": "not a video" });
    const w = worker(shared, "guard");
    await waitFor("the worker ready", () => logOf(w).includes("ready"));
    const target = parseRedisUrl(redis.url);
    const redisClient = connect(target, "test");
    const record = (await liveWorkers(redisClient)).find((r) => r.name === "guard");
    const name = workerQueue(record!.instance);
    const connection = target.options as ConnectionOptions;
    const queue = new Queue(name, { connection, prefix: PREFIX });
    const events = new QueueEvents(name, { connection, prefix: PREFIX });
    await events.waitUntilReady();
    const job = { v: PROTOCOL, run: "evil", task: "x", key: "x", try: 1, slots: 1, output: "pwned.mp4", expect: null, stallTimeoutMs: 10_000 };
    const hostile = [
      { ...job, args: ["-i", "/etc/passwd", "-f", "mp4", "pwned.mp4"] },
      { ...job, args: ["-i", "in.mp4", "-f", "mp4", "../pwned.mp4"], output: "../pwned.mp4" },
      { ...job, args: ["-i", "in.mp4", "-vf", "movie=/etc/passwd", "-f", "mp4", "pwned.mp4"] },
      { ...job, args: ["-i", "in.mp4; touch pwned", "-f", "mp4", "pwned.mp4"] },
      { ...job, tool: "/bin/sh", args: ["-c", "touch pwned.mp4"] },
    ];
    try {
      for (const [i, data] of hostile.entries()) {
        const added = await queue.add("cpu", data, { jobId: `evil-${i}` });
        const result = (await added.waitUntilFinished(events, 20_000)) as { ok: boolean; reason: string };
        expect(result.ok, JSON.stringify(data.args)).toBe(false);
        expect(result.reason).toMatch(/^job refused by worker guard: /);
      }
      expect(filesUnder(shared).sort()).toEqual(["in.mp4"]);
      expect(existsSync(join(shared, "..", "pwned.mp4"))).toBe(false);

      // A job exactly as vps writes it, reading a planted "video" that is an HLS playlist naming a
      // file outside the shared dir: ffmpeg, told vps's containers, refuses to follow it.
      const outside = join(tempDir(), "secret.mp4");
      makeSourceWithAudio(outside, "160x90", 1);
      writeFileSync(join(shared, "planted.mp4"), `#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n${outside}\n#EXT-X-ENDLIST\n`);
      const output = ".copy.mp4.t.partial";
      const planted = { ...job, output, args: ["-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-format_whitelist", SOURCE_FORMATS, "-i", "planted.mp4", "-c", "copy", "-f", "mp4", output] };
      const added = await queue.add("cpu", planted, { jobId: "planted" });
      const result = (await added.waitUntilFinished(events, 20_000)) as { ok: boolean; reason: string };
      expect(result.ok).toBe(false);
      expect(result.reason).toMatch(/Format not on whitelist/);
      // (A job with no output check names a folder, which the worker makes first: it stays empty.)
      expect(filesUnder(shared).sort()).toEqual(["in.mp4", "planted.mp4"]);
    } finally {
      await events.close();
      await queue.close();
      redisClient.disconnect();
      w.child.kill("SIGTERM");
    }
  }, 60_000);
});
