// The run's journal (src/run/journal.ts): what a crashed run left is read back exactly — a task
// counts as finished only with an `end` after its last `start`, a line torn by a crash mid-write is
// ignored, and the processes of the dead run's unfinished tasks are the ones to stop.
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { Journal, type JournalEntry, readFinished, unfinishedSpawns } from "../../src/run/journal";
import { tempDir } from "../tempDir";

const end = (key: string, sha = "aa"): JournalEntry => ({ type: "end", t: 1, task: key, key, seconds: 2, slots: 1, outputs: [{ path: `${key}.mp4`, bytes: 10, sha256: sha }] });
const start = (key: string): JournalEntry => ({ type: "start", t: 0, task: key, key, slots: 1, try: 1 });

function written(entries: JournalEntry[], tail = ""): string {
  const path = join(tempDir(), "journal.ndjson");
  const j = new Journal(path);
  for (const e of entries) j.append(e);
  j.close();
  if (tail) appendFileSync(path, tail);
  return path;
}

describe("readFinished", () => {
  test("a task is finished by its last end; a later start of it (a run that redid it) unfinishes it until it ends again", () => {
    const path = written([start("a"), end("a"), start("b"), end("b", "b1"), start("b")]);
    const done = readFinished(path);
    expect([...done.keys()]).toEqual(["a"]);
    appendFileSync(path, `${JSON.stringify(end("b", "b2"))}\n`);
    expect(readFinished(path).get("b")!.outputs[0]!.sha256).toBe("b2");
  });

  test("ignores the line a crash tore mid-write, and blank or foreign lines", () => {
    const torn = JSON.stringify(end("c")).slice(0, 30);
    const path = written([start("a"), end("a"), start("c")], `\n\nnot json\n[1,2]\n${torn}`);
    expect([...readFinished(path).keys()]).toEqual(["a"]);
  });

  test("a directory never run in has nothing finished", () => {
    expect(readFinished(join(tempDir(), "none.ndjson")).size).toBe(0);
  });
});

describe("unfinishedSpawns", () => {
  test("the pids of the last run's tasks that never ended, retried or failed", () => {
    const spawn = (key: string, pid: number): JournalEntry => ({ type: "spawn", t: 0, task: key, key, pid });
    const path = written([
      { type: "run", at: "x", pid: 1, resumed: 0 },
      spawn("old", 10),
      { type: "run", at: "y", pid: 2, resumed: 0 },
      spawn("a", 11),
      end("a"),
      spawn("b", 12),
      { type: "retry", t: 1, task: "b", key: "b", try: 2, reason: "x" },
      spawn("b", 13),
      spawn("c", 14),
    ]);
    expect(unfinishedSpawns(path).sort()).toEqual([13, 14]);
  });

  test("a run that stopped cleanly left nothing running", () => {
    const path = written([{ type: "run", at: "x", pid: 1, resumed: 0 }, { type: "spawn", t: 0, task: "a", key: "a", pid: 9 }, { type: "stop", t: 1, why: "interrupted" }]);
    expect(unfinishedSpawns(path)).toEqual([]);
    writeFileSync(path, "");
    expect(unfinishedSpawns(path)).toEqual([]);
  });
});
