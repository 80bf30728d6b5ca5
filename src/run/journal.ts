// The run's journal: one JSON object per line, appended and fsync'd before the run's next
// decision, so that after a crash or `kill -9` the next run knows exactly which tasks finished and
// what they wrote. A line cut short by a crash mid-write is the last line, and is ignored on read
// (its task had not been recorded done, so it is redone). Node's own fs is enough: append + fsync
// on one descriptor is the whole protocol (write-file-atomic is for replacing files, not appending).
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from "node:fs";

export interface OutputRecord {
  /** Relative to the run's work directory. */
  path: string;
  bytes: number;
  sha256: string;
  frames?: number;
  duration?: number;
}

export type JournalEntry =
  | { type: "run"; at: string; pid: number; resumed: number }
  | { type: "start"; t: number; task: string; key: string; slots: number; preset?: string; try: number }
  | { type: "spawn"; t: number; task: string; key: string; pid: number }
  /** A try handed to a farm worker: its BullMQ job, the worker, and the temporary output (relative to the work directory). */
  | { type: "handover"; t: number; task: string; key: string; try: number; job: string; worker: string; output: string }
  | { type: "retry"; t: number; task: string; key: string; try: number; reason: string }
  | { type: "end"; t: number; task: string; key: string; seconds: number; slots: number; preset?: string; encoder?: string; outputs: OutputRecord[] }
  | { type: "fail"; t: number; task: string; key: string; reason: string }
  | { type: "publish"; t: number; title: string }
  | { type: "stop"; t: number; why: string };

export class Journal {
  private fd: number;

  constructor(readonly path: string) {
    this.fd = openSync(path, "a");
  }

  append(entry: JournalEntry): void {
    writeSync(this.fd, `${JSON.stringify(entry)}\n`);
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

/**
 * Processes an earlier run started and never saw end (its ffmpeg outlives a `kill -9` of vps):
 * every `spawn` entry after the journal's last `run` line whose task has no end, retry, fail or
 * stop after it. The caller checks each pid is still that ffmpeg before stopping it.
 */
export function unfinishedSpawns(path: string): number[] {
  if (!existsSync(path)) return [];
  const open = new Map<string, number>();
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const entry = parseLine(line);
    if (entry?.type === "run" || entry?.type === "stop") open.clear();
    else if (entry?.type === "spawn") open.set(entry.key, entry.pid);
    else if (entry && "key" in entry && (entry.type === "end" || entry.type === "fail" || entry.type === "retry")) open.delete(entry.key);
  }
  return [...open.values()];
}

export type Handover = Extract<JournalEntry, { type: "handover" }>;

/**
 * Tries handed to a farm worker that no run saw end: a coordinator killed while they ran. The
 * worker went on and may have finished one; the next coordinator adopts its result instead of
 * running it again (src/farm/coordinator.ts). By task key; a later start, retry, end or fail of
 * the key closes it.
 */
export function openHandovers(path: string): Map<string, Handover> {
  const open = new Map<string, Handover>();
  if (!existsSync(path)) return open;
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const entry = parseLine(line);
    if (entry?.type === "handover") open.set(entry.key, entry);
    else if (entry && "key" in entry && (entry.type === "start" || entry.type === "end" || entry.type === "fail" || entry.type === "retry")) open.delete(entry.key);
  }
  return open;
}

/** What earlier runs in this directory finished: task key → its last `end` entry. */
export function readFinished(path: string): Map<string, Extract<JournalEntry, { type: "end" }>> {
  const done = new Map<string, Extract<JournalEntry, { type: "end" }>>();
  if (!existsSync(path)) return done;
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const entry = parseLine(line);
    if (entry?.type === "end") done.set(entry.key, entry);
    // A later start of the same task (a run that redid it) makes the older record stale until it ends again.
    else if (entry?.type === "start") done.delete(entry.key);
  }
  return done;
}

function parseLine(line: string): JournalEntry | null {
  if (line.trim() === "") return null;
  try {
    const v = JSON.parse(line) as JournalEntry;
    return typeof v === "object" && v !== null && typeof v.type === "string" ? v : null;
  } catch {
    return null; // the torn last line of a run that died mid-write
  }
}
