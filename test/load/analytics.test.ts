// The value policy's settings and analytics events as a user writes them: a workload's `policy:`
// and `events:`, and NDJSON files for `--events`. Problems are `file:line:col path: message` lines.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, test } from "vitest";
import type { AnalyticsEvent } from "../../src/model";
import { loadEventsFile, loadEventsText } from "../../src/load/analytics";
import { loadWorkloadText } from "../../src/load/workload";
import { buildPlan } from "../../src/plan/build";
import { DEFAULT_POLICY_CONFIG } from "../../src/value/config";
import { BASE_WORKLOAD, inputError, shippedBook, tempDir, workloadProblems } from "./helpers";

// BASE_WORKLOAD is 10 lines: whatever is appended starts on line 11.
const load = (extra: string) => loadWorkloadText("w.yaml", BASE_WORKLOAD + extra, shippedBook());
const EPOCH_MS = Date.parse("2026-11-24T00:00:00Z");
const TIME_FORMS = "seconds after the epoch (a number), an offset like +90m or +1h30m, or an ISO-8601 time with a zone like 2026-11-24T18:00:00Z";

describe("workload policy:", () => {
  it("is the documented default when absent", () => {
    expect(load("").policy).toEqual(DEFAULT_POLICY_CONFIG);
    expect(DEFAULT_POLICY_CONFIG).toEqual({
      maxWait: 12 * 3600,
      maxResponse: null,
      viral: { promoteAbove: 20_000, demoteBelow: 5_000, demoteAfter: 2 * 3600, smoothing: 15 * 60, promoteTo: "premium" },
    });
  });

  it("reads durations and numbers, keeping defaults for keys left out", () => {
    expect(load("policy:\n  maxWait: 6h\n").policy).toEqual({ ...DEFAULT_POLICY_CONFIG, maxWait: 6 * 3600 });
    const p = load("policy:\n  maxWait: 3600\n  viral: { promoteAbove: 1000, demoteBelow: 1000, demoteAfter: 1h30m, smoothing: 60, promoteTo: partner }\n").policy;
    expect(p).toEqual({ maxWait: 3600, maxResponse: null, viral: { promoteAbove: 1000, demoteBelow: 1000, demoteAfter: 5400, smoothing: 60, promoteTo: "partner" } });
  });

  it("accepts a custom tier from `tiers` as promoteTo", () => {
    const w = loadWorkloadText("w.yaml", `tiers: { viral: 16 }\n${BASE_WORKLOAD}policy:\n  viral: { promoteTo: viral }\n`, shippedBook());
    expect(w.policy.viral.promoteTo).toBe("viral");
  });

  it("rejects an unknown promoteTo tier, naming the tiers", () => {
    expect(workloadProblems(`${BASE_WORKLOAD}policy:\n  viral:\n    promoteTo: gold\n`)).toEqual([
      'w.yaml:13:16 policy.viral.promoteTo: expected a tier (premium, partner, standard, ugc), found "gold"',
    ]);
    expect(workloadProblems(`tiers: { viral: 16 }\n${BASE_WORKLOAD}policy:\n  viral: { promoteTo: gold }\n`)).toEqual([
      'w.yaml:13:23 policy.viral.promoteTo: expected a tier (premium, partner, standard, ugc, viral), found "gold"',
    ]);
  });

  it("rejects a demotion threshold above the promotion threshold (no hysteresis)", () => {
    expect(workloadProblems(`${BASE_WORKLOAD}policy:\n  viral:\n    promoteAbove: 1000\n    demoteBelow: 2000\n`)).toEqual([
      "w.yaml:14:18 policy.viral.demoteBelow: expected at most promoteAbove (1000), found 2000",
    ]);
    // Against the default promoteAbove when only demoteBelow is given.
    expect(workloadProblems(`${BASE_WORKLOAD}policy:\n  viral:\n    demoteBelow: 30000\n`)).toEqual([
      "w.yaml:13:18 policy.viral.demoteBelow: expected at most promoteAbove (20000), found 30000",
    ]);
  });

  it("rejects unknown keys under policy and viral at the key", () => {
    expect(workloadProblems(`${BASE_WORKLOAD}policy:\n  maxwait: 6h\n  viral:\n    promoteAt: 6\n`)).toEqual([
      'w.yaml:12:3 policy.maxwait: expected one of the keys maxWait, maxResponse, viral, found unknown key "maxwait"',
      'w.yaml:14:5 policy.viral.promoteAt: expected one of the keys promoteAbove, demoteBelow, demoteAfter, smoothing, promoteTo, found unknown key "promoteAt"',
    ]);
  });

  it("rejects a duration with a unit typo, listing the accepted forms", () => {
    expect(workloadProblems(`${BASE_WORKLOAD}policy:\n  viral:\n    demoteAfter: 2 hours\n`)).toEqual([
      'w.yaml:13:18 policy.viral.demoteAfter: expected seconds (a number > 0) or a duration like 45m, 1h30m, 90s, found "2 hours"',
    ]);
  });

  // `maxWait: 0s` matches the duration grammar; it must still be rejected, or τ = 0 breaks every key.
  test("rejects a zero maxWait written as a duration, like the number 0", () => {
    expect(workloadProblems(`${BASE_WORKLOAD}policy:\n  maxWait: 0\n`)).toHaveLength(1);
    expect(workloadProblems(`${BASE_WORKLOAD}policy:\n  maxWait: 0s\n`)).toEqual([expect.stringMatching(/^w\.yaml:12:12 policy\.maxWait: expected .*, found "0s"$/)]);
  });
});

describe("workload events:", () => {
  it("reads ISO, offset and numeric times and every figure", () => {
    const w = load(`events:
  - { at: 2026-11-24T02:00:00+01:00, title: ep-101, views: 10 }
  - { at: +90m, title: ep-101, expectedViews: 5000, subscribers: 70, revenuePerView: 0.002 }
  - { at: 60.5, title: ep-101, views: 0 }
`);
    expect(w.events).toEqual([
      { at: 60.5, title: "ep-101", views: 0 },
      { at: 3600, title: "ep-101", views: 10 },
      { at: 5400, title: "ep-101", expectedViews: 5000, subscribers: 70, revenuePerView: 0.002 },
    ]);
  });

  it("sorts by time, keeping the written order of events at the same time", () => {
    const w = load(`events:
  - { at: +2h, title: c, views: 3 }
  - { at: 3600, title: b, views: 1 }
  - { at: +1h, title: a, views: 2 }
  - { at: 2026-11-24T01:00:00Z, title: b, views: 0 }
  - { at: 0, title: z }
`);
    expect(w.events.map((e) => `${e.at}:${e.title}:${e.views}`)).toEqual(["0:z:undefined", "3600:b:1", "3600:a:2", "3600:b:0", "7200:c:3"]);
  });

  it("rejects events before the epoch, on each offending event", () => {
    expect(workloadProblems(`${BASE_WORKLOAD}events:\n  - { at: 2026-11-23T23:00:00Z, title: ep-101 }\n  - { at: +1h, title: ep-101 }\n  - { at: -5, title: ep-101 }\n`)).toEqual([
      'w.yaml:12:11 events[0].at: expected a time at or after the epoch, found "2026-11-23T23:00:00Z"',
      "w.yaml:14:11 events[2].at: expected a time at or after the epoch, found -5",
    ]);
  });

  it("rejects a time that is not a time, listing the accepted forms", () => {
    expect(workloadProblems(`${BASE_WORKLOAD}events:\n  - { at: 1 hour, title: ep-101 }\n`)).toEqual([
      `w.yaml:12:11 events[0].at: expected ${TIME_FORMS}, found "1 hour"`,
    ]);
  });

  it("rejects a missing title or at", () => {
    expect(workloadProblems(`${BASE_WORKLOAD}events:\n  - { title: ep-101, views: 1 }\n  - { at: +1h, views: 1 }\n`)).toEqual([
      `w.yaml:12:5 events[0].at: expected a value for required key "at" (${TIME_FORMS}), found none`,
      'w.yaml:13:5 events[1].title: expected a value for required key "title", found none',
    ]);
  });

  it("rejects negative views and unknown keys", () => {
    expect(workloadProblems(`${BASE_WORKLOAD}events:\n  - { at: +1h, title: ep-101, views: -1 }\n  - { at: +1h, title: ep-101, view: 1 }\n`)).toEqual([
      "w.yaml:12:38 events[0].views: expected a number >= 0, found -1",
      'w.yaml:13:31 events[1].view: expected one of the keys at, title, views, expectedViews, subscribers, revenuePerView, found unknown key "view"',
    ]);
  });

  it("loads an event for a title not in the workload; the plan warns and goes on", () => {
    const w = load("events:\n  - { at: +1h, title: ghost, views: 10 }\n  - { at: +2h, title: ghost, views: 20 }\n");
    expect(w.events.map((e) => e.title)).toEqual(["ghost", "ghost"]);
    const plan = buildPlan(w, shippedBook(), { policy: "value", seed: null, trace: null });
    expect(plan.warnings).toEqual(['2 analytics event(s) for "ghost" from +1h00m00s ignored: for a title not in the workload']);
    expect(plan.titles.map((t) => t.finish !== null)).toEqual([true]);
  });
});

/** The printed problem lines of NDJSON text. */
const ndjsonProblems = (text: string) => inputError(() => loadEventsText("a.ndjson", text, EPOCH_MS)).lines();
const line = (e: Record<string, unknown>) => JSON.stringify(e);

describe("loadEventsText (NDJSON)", () => {
  it("reads good lines in every time form, sorted by time", () => {
    const text = [
      line({ at: "+90m", title: "x", views: 10 }),
      line({ at: 60, title: "y", views: 1, subscribers: 3 }),
      line({ at: "2026-11-24T01:00:00Z", title: "x", expectedViews: 5, revenuePerView: 0.01 }),
    ].join("\n");
    expect(loadEventsText("a.ndjson", text, EPOCH_MS)).toEqual<AnalyticsEvent[]>([
      { at: 60, title: "y", views: 1, subscribers: 3 },
      { at: 3600, title: "x", expectedViews: 5, revenuePerView: 0.01 },
      { at: 5400, title: "x", views: 10 },
    ]);
  });

  it("skips blank lines but still counts them for positions", () => {
    const text = `\n${line({ at: 1, title: "x" })}\n   \n\t\nnope\n\n`;
    expect(ndjsonProblems(text)).toEqual(['a.ndjson:5:1 (line): expected one JSON object per line, found "nope"']);
    expect(loadEventsText("a.ndjson", `\n\n${line({ at: 1, title: "x" })}\n\n`, EPOCH_MS)).toEqual([{ at: 1, title: "x" }]);
    expect(loadEventsText("a.ndjson", "", EPOCH_MS)).toEqual([]);
  });

  it("reads CRLF line endings like LF ones", () => {
    const lines = [line({ at: 2, title: "x", views: 5 }), line({ at: 1, title: "x", views: 4 })];
    expect(loadEventsText("a.ndjson", `${lines.join("\r\n")}\r\n`, EPOCH_MS)).toEqual(loadEventsText("a.ndjson", lines.join("\n"), EPOCH_MS));
    expect(ndjsonProblems(`${lines[0]}\r\nnope\r\n`)).toEqual(['a.ndjson:2:1 (line): expected one JSON object per line, found "nope"']);
  });

  it("rejects a line that is not JSON", () => {
    expect(ndjsonProblems(`${line({ at: 1, title: "x" })}\n{"at": 60, "title": "x",}\n`)).toEqual([
      'a.ndjson:2:1 (line): expected one JSON object per line, found "{\\"at\\": 60, \\"title\\": \\"x\\",}"',
    ]);
  });

  it("rejects an unknown key, naming the allowed keys, and a missing key", () => {
    // The same messages as a workload's, at the key's column.
    expect(ndjsonProblems(line({ at: 60, title: "x", view: 3 }))).toEqual([
      'a.ndjson:1:22 view: expected one of the keys at, title, views, expectedViews, subscribers, revenuePerView, found unknown key "view"',
    ]);
    expect(ndjsonProblems(`${line({ title: "x", views: 3 })}\n${line({ at: 60 })}`)).toEqual([
      expect.stringMatching(/^a\.ndjson:1:1 at: expected a value for required key "at" \(.*\), found none$/),
      'a.ndjson:2:1 title: expected a value for required key "title", found none',
    ]);
  });

  it("rejects a bad at on its line", () => {
    expect(ndjsonProblems(line({ at: -60, title: "x" }))).toEqual(["a.ndjson:1:7 at: expected a time at or after the epoch, found -60"]);
    const lines = ndjsonProblems(`${line({ at: 1, title: "x" })}\n${line({ at: "1 hour", title: "x" })}`);
    expect(lines).toEqual([expect.stringMatching(/^a\.ndjson:2:7 at: expected .*, found "1 hour"$/)]);
  });

  test("says what a bad at was and which forms are accepted, in one line, at its column", () => {
    expect(ndjsonProblems(line({ at: "1 hour", title: "x" }))).toEqual([expect.stringMatching(/^a\.ndjson:1:7 at: expected .*\+90m.*, found "1 hour"$/)]);
  });

  test("says what a negative figure or a non-object line was", () => {
    expect(ndjsonProblems(line({ at: 60, title: "x", views: -3 }))).toEqual([expect.stringMatching(/^a\.ndjson:1:\d+ views: expected .*0, found -3$/)]);
    expect(ndjsonProblems("[1, 2]")).toEqual(['a.ndjson:1:1 (line): expected one JSON object per line, found "[1, 2]"']);
  });

  it("reports every bad line together, in line order", () => {
    const text = [
      line({ at: 1, title: "ok" }),
      "nope",
      line({ at: 2, title: "ok" }),
      line({ at: 3, title: "x", view: 1 }),
      line({ title: "x" }),
      line({ at: "2026-11-23T00:00:00Z", title: "x" }),
    ].join("\n");
    const e = inputError(() => loadEventsText("a.ndjson", text, EPOCH_MS));
    expect(e.message).toContain("4 problem");
    expect(e.lines().map((l) => l.split(":").slice(0, 2).join(":"))).toEqual(["a.ndjson:2", "a.ndjson:4", "a.ndjson:5", "a.ndjson:6"]);
  });

  it("loads a 5,000-line file in one pass", () => {
    const text = Array.from({ length: 5000 }, (_, i) => line({ at: 5000 - i, title: `t${i % 7}`, views: i })).join("\n");
    const events = loadEventsText("big.ndjson", text, EPOCH_MS);
    expect(events).toHaveLength(5000);
    expect(events[0]).toEqual({ at: 1, title: "t1", views: 4999 });
    expect(events.every((e, i) => i === 0 || events[i - 1]!.at <= e.at)).toBe(true);
  });
});

describe("loadEventsFile", () => {
  it("reads a file, and says clearly when it is missing or a directory", () => {
    const dir = tempDir({ "a.ndjson": `${line({ at: "+1m", title: "x", views: 1 })}\n` });
    expect(loadEventsFile(join(dir, "a.ndjson"), EPOCH_MS)).toEqual([{ at: 60, title: "x", views: 1 }]);
    expect(inputError(() => loadEventsFile(join(dir, "none.ndjson"), EPOCH_MS)).lines()).toEqual([`cannot read events ${join(dir, "none.ndjson")}: no such file`]);
    mkdirSync(join(dir, "sub"));
    expect(inputError(() => loadEventsFile(join(dir, "sub"), EPOCH_MS)).lines()).toEqual([`cannot read events ${join(dir, "sub")}: it is a directory, not a file`]);
  });

  it("names the file in problem lines", () => {
    const dir = tempDir({ "b.ndjson": "nope\n" });
    const file = join(dir, "b.ndjson");
    expect(inputError(() => loadEventsFile(file, EPOCH_MS)).lines()).toEqual([`${file}:1:1 (line): expected one JSON object per line, found "nope"`]);
  });
});
