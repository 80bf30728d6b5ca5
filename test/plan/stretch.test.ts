// Stretch: a title's turnaround over the turnaround it could have had with the farm to itself.
import { expect, test } from "vitest";
import type { Title } from "../../src/model";
import { buildPlan } from "../../src/plan/build";
import { aBook, aContent, aTitle, aWorkload } from "../builders";

const book = aBook();

const premium = (arrival: number): Title =>
  aTitle({ id: "premium-ep", tier: "premium", arrival, content: aContent({ duration: 1800 }), value: { expectedViews: 100_000 } });

/** Twenty 45-minute catalogue titles that arrive first and fill the 16 slots for hours. */
const backlog: Title[] = Array.from({ length: 20 }, (_, i) => aTitle({ id: `std-${String(i).padStart(2, "0")}`, tier: "standard", arrival: 0 }));

test("a title alone on an empty farm is close to its floor", () => {
  const plan = buildPlan(aWorkload({ titles: [premium(0)] }), book, { policy: "value", seed: null, trace: null });
  const s = plan.metrics.stretch!.premium!;
  expect(s.mean).toBeGreaterThanOrEqual(1);
  expect(s.mean).toBeLessThan(1.1);
});

test("behind a backlog under fifo a premium title is stretched; the value policy brings it closer to its floor", () => {
  const w = aWorkload({ titles: [...backlog, premium(600)] });
  const fifo = buildPlan(w, book, { policy: "fifo", seed: null, trace: null }).metrics.stretch!;
  const value = buildPlan(w, book, { policy: "value", seed: null, trace: null }).metrics.stretch!;
  expect(fifo.premium!.mean).toBeGreaterThan(3);
  expect(value.premium!.mean).toBeLessThan(fifo.premium!.mean / 2);
  // Every tier is reported, and no figure is below the floor.
  expect(Object.keys(value)).toEqual(["premium", "standard"]);
  for (const f of [...Object.values(fifo), ...Object.values(value)]) expect(Math.min(f.mean, f.p95, f.max)).toBeGreaterThanOrEqual(1);
});
