// What `vps run` checks before anything starts, so a run that cannot succeed says so at once:
// ffmpeg and ffprobe are there (exit 3), the output directory is writable and has room for the
// plan's intermediate files (exit 2), and no other run owns it (a lock file with the owner's pid;
// a lock whose process is gone is stale and taken over). Left-over temporary outputs of a killed
// run are removed: they were never checked, so nothing may use them.
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statfsSync, unlinkSync, writeSync, closeSync } from "node:fs";
import { join } from "node:path";
import { fsReason } from "../load/read";
import { ExternalError, InputError } from "../util/errors";
import { PARTIAL_SUFFIX, type RunLayout } from "./layout";

/** ffmpeg (the one given, or on PATH) and ffprobe must run; the check costs a few milliseconds. */
export function checkTools(ffmpeg: string): void {
  for (const [tool, exe] of [["ffmpeg", ffmpeg], ["ffprobe", "ffprobe"]] as const) {
    const r = spawnSync(exe, ["-hide_banner", "-version"], { stdio: "ignore", timeout: 30_000 });
    if (r.error || r.status !== 0) {
      const why = r.error ? ((r.error as NodeJS.ErrnoException).code ?? r.error.message) : `exit code ${r.status}`;
      throw new ExternalError(`${tool} cannot be run (${exe}: ${why}): install ffmpeg (apt-get install -y ffmpeg)${tool === "ffmpeg" ? " or give --ffmpeg PATH" : ""}`);
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the output directory for this process; returns the release. A second live run is refused. */
export function takeLock(layout: RunLayout): () => void {
  try {
    // Writability first where the directory exists: a recursive mkdir on a read-only file system
    // reports ENOENT, not EROFS.
    if (existsSync(layout.out)) accessSync(layout.out, constants.W_OK);
    mkdirSync(layout.state, { recursive: true });
  } catch (e) {
    throw new InputError(`--out-dir ${layout.out} cannot be written: ${fsReason(e, "no such directory")}`);
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(layout.lock, "wx");
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => rmSync(layout.lock, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw new InputError(`cannot lock ${layout.lock}: ${fsReason(e, "no such directory")}`);
      const pid = Number.parseInt(readFileSync(layout.lock, "utf8"), 10);
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
        throw new InputError(`${layout.out} is in use by another vps run (pid ${pid}): wait for it to finish, or give another --out-dir`);
      }
      unlinkSync(layout.lock); // stale: its run died without releasing it
    }
  }
  throw new InputError(`cannot lock ${layout.lock}: another run keeps taking it`);
}

/** Refuses a run whose intermediate files would not fit on the output directory's disk. */
export function checkSpace(layout: RunLayout, needBytes: number): void {
  const fs = statfsSync(layout.out);
  const free = fs.bavail * fs.bsize;
  if (free < needBytes) {
    const gib = (b: number) => (b / 2 ** 30).toFixed(2);
    throw new InputError(`--out-dir ${layout.out} has ${gib(free)} GiB free; the plan's intermediate files need about ${gib(needBytes)} GiB`);
  }
}

/**
 * Stops the ffmpeg processes a dead run left behind (they outlive a `kill -9` of vps and keep
 * writing their temporary outputs): each journaled pid that still runs a command naming this run's
 * work directory is killed, and waited for (a second, at most). Returns how many were stopped.
 */
export function stopOrphans(pids: readonly number[], workDir: string): number {
  const ours = (pid: number) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(workDir);
    } catch {
      return false; // gone, or not ours to read
    }
  };
  const orphans = pids.filter(ours);
  for (const pid of orphans) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      /* it ended meanwhile */
    }
  }
  const until = performance.now() + 1000;
  while (orphans.some(ours) && performance.now() < until) spawnSync("sleep", ["0.05"]);
  return orphans.length;
}

/** Removes temporary outputs (never checked) that a killed run left under the work directory. */
/** `keep`: temporary outputs of tries a farm worker may still finish (open handovers), to be adopted. */
export function removePartials(dir: string, keep: ReadonlySet<string> = new Set()): number {
  let removed = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) removed += removePartials(path, keep);
    else if (e.name.endsWith(PARTIAL_SUFFIX) && !keep.has(path)) {
      rmSync(path, { force: true });
      removed++;
    }
  }
  return removed;
}
