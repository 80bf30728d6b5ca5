// A pool spread over machines (src/sched/nodes.ts), as a farm has it: a task runs on one node, so
// its width fits one node's free slots, and a node lost mid-run takes its slots with it while the
// tasks it ran start again elsewhere. Driven through the real-time driver under a virtual clock.
import { describe, expect, test } from "vitest";
import type { Workload } from "../../src/model";
import { assemblePlan, createScheduler, type PlanOptions } from "../../src/plan/build";
import { verifyPlan } from "../../src/plan/verify";
import { drive } from "../../src/run/driver";
import type { Scheduler } from "../../src/sched/scheduler";
import type { SimTask } from "../../src/sched/state";
import { aBook, aContent, aTitle, aWorkload } from "../builders";
import { VirtualWorld } from "../virtualWorld";

const book = aBook();
const titles = [
  aTitle({ id: "movie", tier: "premium", deadline: 30_000, content: aContent({ duration: 2400 }) }),
  aTitle({ id: "ep", tier: "standard", content: aContent({ duration: 1200 }) }),
  ...Array.from({ length: 4 }, (_, i) => aTitle({ id: `clip-${i}`, tier: "ugc", content: aContent({ duration: 180, width: 1280, height: 720 }) })),
];
const workload: Workload = aWorkload({ titles, capacity: { pools: [{ id: "cpu", slots: 12, memoryGiB: null }], scratchGiB: null } });

/** Tracks, per node, the slots in use; fails the test the moment a node holds more than it has. */
class NodeLedger {
  readonly used = new Map<string, number>();
  readonly starts: { task: string; node: string; slots: number; at: number }[] = [];
  peak = 0;
  constructor(private readonly sched: Scheduler) {}
  start(t: SimTask): void {
    const node = this.sched.state.nodes[t.poolIdx]![t.node]!;
    const now = (this.used.get(node.id) ?? 0) + t.task.slots;
    expect(now, `${t.task.id} on ${node.id}`).toBeLessThanOrEqual(node.slots);
    this.used.set(node.id, now);
    this.starts.push({ task: t.task.id, node: node.id, slots: t.task.slots, at: this.sched.now });
    this.peak = Math.max(this.peak, ...this.used.values());
  }
  end(node: string, slots: number): void {
    this.used.set(node, (this.used.get(node) ?? 0) - slots);
  }
}

async function runOnNodes(nodes: { id: string; slots: number }[], loseAt: { at: number; node: string } | null) {
  const options: PlanOptions = { policy: "value", seed: null, trace: null };
  const sched = createScheduler(workload, book, options);
  sched.setNodes("cpu", nodes);
  const ledger = new NodeLedger(sched);
  const world = new VirtualWorld((t) => ({ seconds: t.task.duration, failure: null }));
  const where = new Map<number, { node: string; slots: number }>();
  const requeued: string[] = [];
  let lost = false;
  let lostAt = Infinity;
  const result = await drive(sched, world, world, {
    partial: "hold",
    onStart: (t) => {
      ledger.start(t);
      where.set(t.idx, { node: sched.state.nodes[t.poolIdx]![t.node]!.id, slots: t.task.slots });
    },
    onEnd: (t) => {
      const w = where.get(t.idx)!;
      ledger.end(w.node, w.slots);
    },
    topology: (s) => {
      if (!loseAt || lost || s.now < loseAt.at) return [];
      lost = true;
      lostAt = s.now;
      const gone = s.loseNode("cpu", loseAt.node);
      for (const t of gone) {
        requeued.push(t.task.id);
        const w = where.get(t.idx)!;
        ledger.end(w.node, w.slots);
      }
      return gone;
    },
  });
  expect(result.interrupted).toBe(false);
  return { plan: assemblePlan(workload, sched.state, options), ledger, requeued, sched, lostAt };
}

describe("a pool over several nodes", () => {
  test("no task is wider than one node, and no node ever holds more than its slots", async () => {
    const { plan, ledger } = await runOnNodes([{ id: "a", slots: 4 }, { id: "b", slots: 4 }, { id: "c", slots: 4 }], null);
    expect(verifyPlan(plan)).toEqual([]);
    expect(Math.max(...ledger.starts.map((s) => s.slots))).toBeLessThanOrEqual(4);
    expect(new Set(ledger.starts.map((s) => s.node))).toEqual(new Set(["a", "b", "c"]));
    expect(plan.titles.every((t) => t.finish !== null)).toBe(true);
  });

  test("one node of all the slots plans exactly as the pool itself does", async () => {
    const options: PlanOptions = { policy: "value", seed: null, trace: null };
    const alone = createScheduler(workload, book, options);
    const world = new VirtualWorld((t) => ({ seconds: t.task.duration, failure: null }));
    await drive(alone, world, world, { partial: "hold" });
    const { plan } = await runOnNodes([{ id: "cpu", slots: 12 }], null);
    expect(plan.tasks).toEqual(assemblePlan(workload, alone.state, options).tasks);
  });

  test("a node lost mid-run: its tasks start again on the others, the pool shrinks, every title still finishes", async () => {
    const { plan, ledger, requeued, sched, lostAt } = await runOnNodes([{ id: "a", slots: 4 }, { id: "b", slots: 4 }, { id: "c", slots: 4 }], { at: 600, node: "b" });
    expect(requeued.length).toBeGreaterThan(0);
    expect(sched.state.pools[0]!.slots).toBe(8);
    // Every task lost with b ran to its end on a or c.
    for (const id of requeued) {
      const after = ledger.starts.filter((s) => s.task === id);
      expect(after.length, id).toBe(2);
      expect(["a", "c"]).toContain(after[1]!.node);
    }
    // Nothing starts on the lost node once it is gone.
    expect(ledger.starts.filter((s) => s.node === "b" && s.at >= lostAt)).toEqual([]);
    expect(plan.titles.every((t) => t.finish !== null)).toBe(true);
    expect(verifyPlan(plan)).toEqual([]);
  });
});

describe("nodes joining and leaving, and what is refused", () => {
  test("a node that joins mid-run gets work at the next decision, and a try lost on its own starts again", async () => {
    const options: PlanOptions = { policy: "value", seed: null, trace: null };
    const sched = createScheduler(workload, book, options);
    sched.setNodes("cpu", [{ id: "a", slots: 2 }]);
    const world = new VirtualWorld((t) => ({ seconds: t.task.duration, failure: null }));
    const on = new Map<string, Set<string>>();
    let joined = false;
    let requeued = false;
    const lostRunner = {
      run: (t: SimTask) => {
        // The first encode started after the join loses its try once (a job gone from Redis).
        if (joined && !requeued && t.task.kind === "encode") {
          requeued = true;
          return Promise.resolve({ ok: false as const, reason: "Redis restarted and lost it", lost: true });
        }
        return world.run(t);
      },
    };
    await drive(sched, lostRunner, world, {
      partial: "hold",
      onStart: (t) => {
        const node = sched.state.nodes[t.poolIdx]![t.node]!.id;
        on.set(node, (on.get(node) ?? new Set()).add(t.task.id));
      },
      topology: (s) => {
        if (!joined && s.now >= 300) {
          joined = true;
          s.addNode("cpu", "b", 6);
        }
        return [];
      },
    });
    expect(joined && requeued).toBe(true);
    expect(sched.state.pools[0]!.slots).toBe(8);
    expect(on.get("b")?.size ?? 0).toBeGreaterThan(0);
    expect(sched.state.titles.every((t) => t.finish !== null)).toBe(true);
  });

  test("refuses what would leave the books wrong: a live node added twice, nodes replaced while tasks run, an unknown pool", () => {
    const options: PlanOptions = { policy: "value", seed: null, trace: null };
    const sched = createScheduler(workload, book, options);
    sched.setNodes("cpu", [{ id: "a", slots: 4 }]);
    expect(() => sched.addNode("cpu", "a", 4)).toThrow(/already live/);
    expect(() => sched.addNode("gpu", "x", 4)).toThrow(/no pool gpu/);
    expect(sched.loseNode("cpu", "nobody")).toEqual([]);
    sched.advance(0);
    sched.fireDue();
    expect(sched.decide().length).toBeGreaterThan(0);
    expect(() => sched.setNodes("cpu", [{ id: "b", slots: 4 }])).toThrow(/while tasks run/);
    expect(() => sched.requeue(10_000)).toThrow(/not in state/);
  });

  test("a pool whose every node is lost waits, with deadline titles projected never to finish, until a node comes back", () => {
    const options: PlanOptions = { policy: "value", seed: null, trace: null };
    const sched = createScheduler(workload, book, options);
    sched.setNodes("cpu", [{ id: "a", slots: 4 }]);
    sched.advance(0);
    sched.fireDue();
    const started = sched.decide();
    expect(started.length).toBeGreaterThan(0);
    sched.advance(1);
    expect(sched.loseNode("cpu", "a").map((t) => t.idx).sort()).toEqual(started.map((t) => t.idx).sort());
    expect(sched.state.pools[0]!.slots).toBe(0);
    expect(sched.decide()).toEqual([]);
    const movie = sched.state.titles.find((t) => t.id === "movie")!;
    expect(movie.projected).toBe(Infinity);
    sched.addNode("cpu", "a", 4);
    expect(sched.decide().length).toBeGreaterThan(0);
  });

  test("a failed task's next try moves to another node with room that it has not failed on, or stays", () => {
    const options: PlanOptions = { policy: "value", seed: null, trace: null };
    const sched = createScheduler(workload, book, options);
    sched.setNodes("cpu", [{ id: "a", slots: 1 }, { id: "b", slots: 1 }, { id: "c", slots: 8 }]);
    sched.advance(0);
    sched.fireDue();
    const running = sched.decide();
    const one = running.find((t) => t.task.slots === 1 && sched.state.nodes[0]![t.node]!.id === "a")!;
    expect(one, "a 1-slot task on node a").toBeDefined();
    const free = () => sched.state.nodes[0]!.map((n) => [n.id, n.free]);
    const before = new Map(free() as [string, number][]);
    const roomy = sched.state.nodes[0]!.filter((n) => n.id !== "a" && n.free >= 1).map((n) => n.id);
    // At the start only the six 1-slot analyses are ready: a and b take one each, c the other four.
    expect(roomy).toEqual(["c"]);
    expect(sched.moveNode(one.idx, new Set(["a"]))).toBe(true);
    const to = sched.state.nodes[0]![one.node]!.id;
    expect(to).toBe("c");
    // Its slot went with it: a gets one back, c gives one; the pool's total is the same.
    expect(sched.state.nodes[0]!.find((n) => n.id === "a")!.free).toBe(before.get("a")! + 1);
    expect(sched.state.nodes[0]!.find((n) => n.id === to)!.free).toBe(before.get(to)! - 1);
    // Every other node failed it too: it stays where it is.
    const at = one.node;
    expect(sched.moveNode(one.idx, new Set(["a", "b", "c"]))).toBe(false);
    expect(one.node).toBe(at);
    const queued = sched.state.tasks.find((t) => t.state !== 2 && !running.includes(t))!;
    expect(() => sched.moveNode(queued.idx, new Set())).toThrow(/not (running|in state)/);
  });
});
