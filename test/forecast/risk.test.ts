// Deadline risk on the fluid bound: the critical path, and the EDF window test per pool.
import { describe, expect, test } from "vitest";
import { titleRisk, windowChecks } from "../../src/forecast/risk";
import type { TitleLoad } from "../../src/forecast/work";
import { H, aLoad, aPool } from "./helpers";

function riskOf(id: string, loads: TitleLoad[], slots = 4) {
  const pool = aPool("cpu", slots);
  const checks = new Map([["cpu", windowChecks(pool, loads)]]);
  return titleRisk(loads.find((l) => l.id === id)!, [pool], checks);
}

describe("a title whose critical path exceeds its window", () => {
  test("is at risk, with both figures in the reason, however empty the farm", () => {
    const loads = [aLoad("long", H, { cpu: H }, { deadline: 3.5 * H, criticalPath: 3.2 * H })];
    const r = riskOf("long", loads, 64);
    expect(r.reasons).toHaveLength(1);
    expect(r.reasons[0]).toMatchObject({ kind: "critical-path", criticalPath: 3.2 * H, window: 2.5 * H });
    expect(r.reasons[0]!.message).toBe(
      "critical path 3h12m00s > 2h30m00s between arrival (+1h00m00s) and deadline (+3h30m00s): too long even on an empty farm, every task at full width",
    );
    expect(r.slack).toBeCloseTo(-0.7 * H, 6);
    expect(r.slackBoundBy).toBe("critical path");
  });
});

describe("a farm-bound title", () => {
  // Three titles of 6 slot-h each on 4 slots, all due at 4 h: 18 slot-h against 16 of capacity.
  const loads = [
    aLoad("a", 0, { cpu: 6 * H }, { deadline: 4 * H }),
    aLoad("b", 0, { cpu: 6 * H }, { deadline: 4 * H }),
    aLoad("c", 0, { cpu: 6 * H }, { deadline: 4 * H }),
    aLoad("background", 0, { cpu: 100 * H }),
  ];

  test("is flagged with the work due, the capacity of the window and how many titles share it", () => {
    const r = riskOf("c", loads);
    expect(r.reasons).toEqual([
      {
        kind: "farm",
        message:
          "pool cpu: 18.0 slot-h due by +4h00m00s (this title and 2 others due earlier or together, arriving from +0s), " +
          "16.0 slot-h of capacity from +0s to then",
        pool: "cpu",
        due: 18 * H,
        capacity: 16 * H,
        from: 0,
        to: 4 * H,
        titles: 3,
      },
    ]);
    // 2 slot-h over on 4 slots: half an hour short.
    expect(r.slack).toBe(-0.5 * H);
    expect(r.slackBoundBy).toBe("pool cpu");
  });

  test("counts only the work that arrives within the window: a late burst is over even on an idle farm", () => {
    const burst = [
      aLoad("early", 0, { cpu: 4 * H }, { deadline: 10 * H }),
      aLoad("x", 8 * H, { cpu: 5 * H }, { deadline: 9 * H }),
      aLoad("y", 8 * H, { cpu: 2 * H }, { deadline: 9 * H }),
    ];
    const r = riskOf("x", burst);
    // From 0 to 9 h there are 36 slot-h for 7, but from 8 h to 9 h only 4 for 7.
    expect(r.reasons[0]).toMatchObject({ kind: "farm", due: 7 * H, capacity: 4 * H, from: 8 * H, to: 9 * H, titles: 2 });
    // The title due later has time to spare after the burst: 11 slot-h by 10 h, 40 of capacity.
    const early = riskOf("early", burst);
    expect(early.reasons).toEqual([]);
    expect(early.slack).toBe((40 * H - 11 * H) / 4);
  });

  test("a title due later than an overloaded group is fine when the extra hours absorb the excess", () => {
    const later = [...loads, aLoad("d", 0, { cpu: H }, { deadline: 6 * H })];
    const r = riskOf("d", later);
    // 19 slot-h due by 6 h against 24: 1.25 h of slack.
    expect(r.reasons).toEqual([]);
    expect(r.slack).toBe(1.25 * H);
  });
});

describe("an easy title", () => {
  test("is not at risk and shows its slack: the tighter of its critical path and the farm", () => {
    const loads = [aLoad("easy", H, { cpu: 2 * H }, { deadline: 5 * H, criticalPath: 0.5 * H }), aLoad("other", 0, { cpu: 4 * H }, { deadline: 3 * H })];
    const r = riskOf("easy", loads);
    expect(r.reasons).toEqual([]);
    // Farm: from 0, 6 slot-h due by 5 h against 20 → 3.5 h; from 1 h, 2 against 16 → 3.5 h. Path: 4 h − 0.5 h.
    expect(r.slack).toBe(3.5 * H);
    expect(["pool cpu", "critical path"]).toContain(r.slackBoundBy);
    expect(riskOf("other", loads).slack).toBe(2 * H);
  });

  test("a pool the title does not use cannot put it at risk", () => {
    const loads = [aLoad("gpu-hog", 0, { gpu: 1000 * H }, { deadline: H }), aLoad("cpu-only", 0, { cpu: H }, { deadline: H })];
    const pools = [aPool("cpu", 4), aPool("gpu", 1)];
    const checks = new Map(pools.map((p) => [p.id, windowChecks(p, loads)]));
    expect(titleRisk(loads[1]!, pools, checks).reasons).toEqual([]);
    expect(titleRisk(loads[0]!, pools, checks).reasons.map((r) => r.kind)).toEqual(["farm"]);
  });
});
