// The real-time driver paces virtual time against an injected clock; results must not depend on it.
import { describe, expect, test } from "vitest";
import { runPaced, type Clock } from "../../src/cli/realtime";
import { assemblePlan, buildPlan, createSimulator } from "../../src/plan/build";
import { aBook, aContent, aTitle, aWorkload } from "../builders";

/** A clock that only moves when the driver sleeps, recording every pause. */
function fakeClock(): Clock & { sleeps: number[] } {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

const workload = aWorkload({
  titles: [
    aTitle({ id: "a", arrival: 0, content: aContent({ duration: 300 }) }),
    aTitle({ id: "b", arrival: 3600, tier: "premium", deadline: 3600 + 4 * 3600, content: aContent({ duration: 300 }) }),
  ],
});
const book = aBook();
const options = { policy: "value" as const, seed: 1, trace: null };

describe("the paced run", () => {
  test("gives exactly the plan of an unpaced run", async () => {
    const sim = createSimulator(workload, book, options);
    await runPaced([{ name: "value", sim }], 100, fakeClock(), () => {});
    expect(JSON.stringify(assemblePlan(workload, sim.state, options))).toBe(JSON.stringify(buildPlan(workload, book, options)));
  });

  test("takes wall time in proportion to virtual time", async () => {
    const clock = fakeClock();
    const sim = createSimulator(workload, book, options);
    await runPaced([{ name: "value", sim }], 100, clock, () => {});
    // At 100×, the makespan of virtual seconds takes about makespan/100 wall seconds.
    const wallSeconds = clock.now() / 1000;
    expect(wallSeconds).toBeGreaterThan((sim.now / 100) * 0.95);
    expect(wallSeconds).toBeLessThan((sim.now / 100) * 1.05 + 0.5);
    // It never sleeps longer than a progress tick.
    expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(200);
  });

  test("reports progress for every simulator on one virtual clock, ending with a final line", async () => {
    const lines: { line: string; final: boolean }[] = [];
    const sims = (["value", "fifo"] as const).map((policy) => ({ name: policy, sim: createSimulator(workload, book, { ...options, policy }) }));
    await runPaced(sims, 1000, fakeClock(), (line, final) => lines.push({ line, final }));
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.at(-1)!.final).toBe(true);
    expect(lines.filter((l) => l.final)).toHaveLength(1);
    expect(lines.at(-1)!.line).toMatch(/simulated\] value: \d+\/\d+ tasks, 2\/2 titles, 0 late \| fifo: \d+\/\d+ tasks, 2\/2 titles, 0 late/);
  });

  test("counts a deadline title still running past its deadline as late in progress", () => {
    const w = aWorkload({ titles: [aTitle({ id: "late", deadline: 10, content: aContent({ duration: 1200 }) })] });
    const sim = createSimulator(w, book, options);
    while (sim.now <= 10) sim.step();
    expect(sim.progress()).toMatchObject({ titlesDone: 0, late: 1 });
    sim.run();
    expect(sim.progress()).toMatchObject({ titlesDone: 1, late: 1 });
    expect(sim.done).toBe(true);
  });
});
