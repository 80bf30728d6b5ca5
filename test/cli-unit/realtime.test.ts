// The real-time driver paces virtual time against an injected clock; results must not depend on it.
import { describe, expect, test } from "vitest";
import { type PacedSnapshot, progressLine, runPaced, type Clock } from "../../src/cli/realtime";
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
    const snaps: PacedSnapshot[] = [];
    const sims = (["value", "fifo"] as const).map((policy) => ({ name: policy, sim: createSimulator(workload, book, { ...options, policy }) }));
    await runPaced(sims, 1000, fakeClock(), (s) => snaps.push(s));
    expect(snaps.length).toBeGreaterThan(2);
    expect(snaps.at(-1)!.final).toBe(true);
    expect(snaps.filter((s) => s.final)).toHaveLength(1);
    expect(progressLine(snaps.at(-1)!)).toMatch(/simulated\] value: \d+\/\d+ tasks, 2\/2 titles, 0 late \| fifo: \d+\/\d+ tasks, 2\/2 titles, 0 late · done in /);
    // Midway, the line says how much wall time is left at the pace so far.
    const mid = snaps.find((s) => !s.final && s.sims[0]!.progress.tasksDone > 0)!;
    expect(progressLine(mid)).toMatch(/ · ETA \d/);
  });

  test("the progress line fits the terminal: shorter forms first, cut only past the shortest", () => {
    const p = { now: 0, tasksDone: 1200, tasks: 4828, titlesDone: 10, titles: 220, late: 3 };
    const snap: PacedSnapshot = { now: 3725, wallSeconds: 12, final: false, sims: [{ name: "value", progress: p }, { name: "fifo", progress: { ...p, late: 0 } }] };
    const wide = progressLine(snap);
    expect(wide).toBe("[+1h02m05s simulated] value: 1200/4828 tasks, 10/220 titles, 3 late | fifo: 1200/4828 tasks, 10/220 titles, 0 late · ETA 36s");
    const at79 = progressLine(snap, 79);
    expect(at79.length).toBeLessThanOrEqual(79);
    expect(at79).toBe("+1h02m05s value 10/220 titles, 3 late | fifo 10/220 titles, 0 late · ETA 36s");
    expect(progressLine(snap, 60)).toBe("+1h02m05s value 24%, 3 late | fifo 24%, 0 late · ETA 36s");
    expect(progressLine(snap, 30)).toHaveLength(30);
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
