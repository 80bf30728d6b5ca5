// The fluid model: hourly demand against capacity, the backlog curve, and when it clears.
import { describe, expect, test } from "vitest";
import { doneTime, fluidForecast } from "../../src/forecast/fluid";
import { H, aLoad, aPool } from "./helpers";

describe("demand per pool per hour", () => {
  test("is the work of the titles arriving in each hour, and sums to the total work", () => {
    const loads = [
      aLoad("a", 0, { cpu: 10 * H, gpu: 2 * H }),
      aLoad("b", 30 * 60, { cpu: 5 * H }),
      aLoad("c", 2 * H + 1, { cpu: 7 * H }),
    ];
    const { pools } = fluidForecast([aPool("cpu", 4), aPool("gpu", 2)], loads);
    const [cpu, gpu] = pools;
    expect(cpu!.hours.map((h) => h.demand / H).slice(0, 3)).toEqual([15, 0, 7]);
    expect(cpu!.hours.reduce((s, h) => s + h.demand, 0)).toBe(22 * H);
    expect(cpu!.work).toBe(22 * H);
    expect(gpu!.hours.reduce((s, h) => s + h.demand, 0)).toBe(2 * H);
    expect(cpu!.hours.every((h) => h.capacity === 4 * H)).toBe(true);
    expect(gpu!.hours.every((h) => h.capacity === 2 * H)).toBe(true);
  });

  test("every pool covers the same hours, from the epoch until the last backlog clears", () => {
    const { pools, first, end } = fluidForecast([aPool("cpu", 4), aPool("gpu", 2)], [aLoad("a", 0, { cpu: 10 * H, gpu: 2 * H })]);
    // cpu: 10 slot-h on 4 slots clears at 2.5 h, so hours 0, 1, 2; gpu clears at 1 h.
    expect([first, end]).toEqual([0, 3]);
    expect(pools.map((p) => p.hours.map((h) => h.start))).toEqual([
      [0, H, 2 * H],
      [0, H, 2 * H],
    ]);
    expect(pools.map((p) => p.doneAt)).toEqual([2.5 * H, H]);
    // cpu ends hours 0 and 1 with a backlog, which runs dry at 2.5 h; gpu never ends an hour with one.
    expect(pools.map((p) => p.clearsAt)).toEqual([2.5 * H, null]);
  });
});

describe("the backlog curve", () => {
  test("follows backlog(h+1) = max(0, backlog(h) + demand(h) − capacity(h)) when work arrives at the hour's start", () => {
    const demand = [9, 1, 6, 0, 2, 0, 0];
    const loads = demand.map((d, h) => aLoad(`t${h}`, h * H, { cpu: d * H }));
    const [cpu] = fluidForecast([aPool("cpu", 4)], loads).pools;
    let backlog = 0;
    const expected = cpu!.hours.map((h, i) => (backlog = Math.max(0, backlog + (demand[i] ?? 0) * H - h.capacity)));
    expect(cpu!.hours.map((h) => h.backlog)).toEqual(expected);
    expect(expected.slice(0, 5).map((b) => b / H)).toEqual([5, 2, 4, 0, 0]);
    expect(cpu!.peakBacklog).toBe(5 * H);
  });

  test("capacity idle early in an hour is not spent on work that arrives later in it", () => {
    // 4 slot-h arrive at 0:45 on 4 slots: only 15 minutes of the first hour are left for them.
    const [cpu] = fluidForecast([aPool("cpu", 4)], [aLoad("late-in-hour", 45 * 60, { cpu: 4 * H })]).pools;
    expect(cpu!.hours[0]!.served).toBe(H);
    expect(cpu!.hours[0]!.backlog).toBe(3 * H);
    expect(cpu!.hours[0]!.utilisation).toBe(0.25);
    expect(cpu!.hours[0]!.load).toBe(1);
    expect(cpu!.clearsAt).toBe(45 * 60 + H);
    expect(cpu!.doneAt).toBe(45 * 60 + H);
  });

  test("the backlog in an arrival hour runs dry after a later arrival in that hour", () => {
    // 2 slot-h carried into hour 1 on 1 slot would run dry at 3 h, but 0.5 slot-h more lands at 1.5 h.
    const loads = [aLoad("a", 0, { cpu: 3 * H }), aLoad("b", 1.5 * H, { cpu: 0.5 * H })];
    const [cpu] = fluidForecast([aPool("cpu", 1)], loads).pools;
    expect(cpu!.hours.map((h) => h.backlog / H)).toEqual([2, 1.5, 0.5, 0]);
    expect(cpu!.clearsAt).toBe(3.5 * H);
  });

  test("clears when capacity exceeds demand, and stays clear", () => {
    const loads = [aLoad("burst", 0, { cpu: 20 * H }), ...[1, 2, 3, 4, 5].map((h) => aLoad(`t${h}`, h * H, { cpu: 2 * H }))];
    const [cpu] = fluidForecast([aPool("cpu", 8)], loads).pools;
    const backlog = cpu!.hours.map((h) => h.backlog / H);
    expect(backlog).toEqual([12, 6, 0, 0, 0, 0]);
    // The backlog runs dry in hour 2: 6 slot-h carried over plus that hour's 2, on 8 slots.
    expect(cpu!.clearsAt).toBe(2 * H + (6 * H + 2 * H) / 8);
    // The last work (2 slot-h at 5 h) is done a quarter of an hour later.
    expect(cpu!.doneAt).toBe(5 * H + (2 * H) / 8);
    expect(cpu!.hours.map((h) => h.utilisation)).toEqual([1, 1, 1, 0.25, 0.25, 0.25]);
  });

  test("a pool that never catches up keeps the horizon open until it does", () => {
    const loads = [0, 1, 2].map((h) => aLoad(`t${h}`, h * H, { cpu: 6 * H }));
    const { pools, end } = fluidForecast([aPool("cpu", 2)], loads);
    expect(pools[0]!.doneAt).toBe(9 * H);
    expect(pools[0]!.clearsAt).toBe(9 * H);
    expect(end).toBe(9);
    expect(pools[0]!.hours.at(-1)!.backlog).toBe(0);
    expect(pools[0]!.hours.at(-2)!.backlog).toBe(2 * H);
  });
});

describe("doneTime", () => {
  test("is the latest arrival plus the work from it on, over the rate", () => {
    expect(doneTime([], 4)).toBe(0);
    expect(doneTime([{ at: 0, work: 4 * H }, { at: 10 * H, work: 2 * H }], 4)).toBe(10.5 * H);
    expect(doneTime([{ at: 0, work: 40 * H }, { at: H, work: 4 * H }], 4)).toBe(11 * H);
  });
});

test("an empty workload has no hours and nothing to clear", () => {
  const { pools, first, end } = fluidForecast([aPool("cpu", 4)], []);
  expect([first, end]).toEqual([0, 0]);
  expect(pools).toEqual([{ id: "cpu", slots: 4, work: 0, clearsAt: null, doneAt: 0, peakBacklog: 0, hours: [] }]);
});
