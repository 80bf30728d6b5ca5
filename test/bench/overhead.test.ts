// Coordinator overhead per task (src/bench/overhead.ts): which hand-overs count and what they measure.
import { describe, expect, it } from "vitest";
import { handOvers } from "../../src/bench/overhead";
import type { Plan, PlanTask } from "../../src/model";

type T = Pick<PlanTask, "id" | "start" | "end" | "after"> & Partial<PlanTask>;
const task = (t: T): PlanTask => ({ title: "a", kind: "encode", pool: "cpu", slots: 1, ...t });
const plan = (tasks: T[]): Plan => ({ titles: [{ id: "a", arrival: 0 }], tasks: tasks.map(task) }) as unknown as Plan;

describe("handOvers", () => {
  it("measures from the worker's end of one try to the worker's start of the next on its slot", () => {
    const p = plan([
      { id: "x", node: "w1", start: 0, end: 1.02, after: [], ran: { start: 0.01, end: 1 } },
      { id: "y", node: "w1", start: 1.03, end: 2.05, after: ["x"], ran: { start: 1.04, end: 2 } },
    ]);
    expect(handOvers(p)).toEqual([{ node: "w1", task: "y", gap: expect.closeTo(0.04, 6) }]);
  });

  it("uses the coordinator's times for a task it runs itself on the slot (publish)", () => {
    const p = plan([
      { id: "x", node: "w1", start: 0, end: 1.02, after: [], ran: { start: 0.01, end: 1 } },
      { id: "pub", kind: "publish", node: "w1", start: 1.03, end: 1.1, after: ["x"] },
    ]);
    expect(handOvers(p).map((h) => h.gap)).toEqual([expect.closeTo(0.03, 6)]);
  });

  it("leaves out a slot idle because nothing was ready when it freed", () => {
    // y waits for z on the other worker, which ends long after x freed w1.
    const p = plan([
      { id: "x", node: "w1", start: 0, end: 1, after: [] },
      { id: "z", node: "w2", start: 0, end: 5, after: [] },
      { id: "y", node: "w1", start: 5.01, end: 6, after: ["z"] },
    ]);
    expect(handOvers(p)).toEqual([]);
  });

  it("counts a slot left idle while a task was ready", () => {
    const p = plan([
      { id: "x", node: "w1", start: 0, end: 1, after: [] },
      { id: "y", node: "w1", start: 1.5, end: 2, after: [] },
    ]);
    expect(handOvers(p).map((h) => h.gap)).toEqual([0.5]);
  });
});
