// mixed-content: every content class in realistic shares across ugc, standard and premium.
// What the user cares about: every class is planned (with its own recipe), and the value policy
// does at least as well on deadlines and clearly better for premium than arrival order.
import { describe, expect, it } from "vitest";
import { CONTENT_CLASSES } from "../../src/model";
import { itKeepsThePlanContract, lazyRun } from "./helpers";

const run = lazyRun("mixed-content");

describe("mixed-content, seed 42", () => {
  it("every content class appears, and every title of every class is encoded", () => {
    const classOf = new Map(run().workload.titles.map((t) => [t.id, t.content.contentClass]));
    expect(new Set(classOf.values())).toEqual(new Set(CONTENT_CLASSES));
    const encoded = new Set(run().value.tasks.filter((t) => t.kind === "encode").map((t) => t.title));
    const missing = [...classOf.keys()].filter((id) => !encoded.has(id));
    expect(missing).toEqual([]);
  });

  it("value meets at least as many deadlines as fifo", () => {
    const onTime = (policy: "value" | "fifo") => run()[policy].titles.filter((t) => t.onTime === true && t.deferredFrom === undefined).length;
    expect(run().value.titles.some((t) => t.deadline !== null)).toBe(true);
    expect(onTime("value")).toBeGreaterThanOrEqual(onTime("fifo"));
    expect(run().value.metrics.deadlineCompliance!).toBeGreaterThanOrEqual(run().fifo.metrics.deadlineCompliance!);
  });

  it("premium mean turnaround is lower under value than under fifo", () => {
    const value = run().value.metrics.turnaround.premium;
    const fifo = run().fifo.metrics.turnaround.premium;
    expect(value?.count).toBe(8);
    expect(value!.mean).toBeLessThan(fifo!.mean);
  });

  itKeepsThePlanContract("mixed-content", run);
});
