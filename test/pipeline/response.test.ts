// policy.maxResponse: encodes of titles without a deadline cut so that none holds a slot longer
// than the bound (by the cost model, on one slot), so a premium arrival on a farm full of long
// encodes gets its first slot within about that long — and what is not cut: deadline titles,
// titles of explicit work, short clips below two minimum chunks, and everything when it is unset.
import { describe, expect, it } from "vitest";
import { defaultCostModel } from "../../src/cost/model";
import { countTasks } from "../../src/pipeline/count";
import { chunksOf, expandTitle, MIN_CHUNK_SECONDS } from "../../src/pipeline/expand";
import { buildPlan } from "../../src/plan/build";
import { verifyPlan } from "../../src/plan/verify";
import { aBook, aContent, aTitle, aWorkload } from "../builders";

const book = aBook();
const UPLOAD = aTitle({ id: "up", tier: "ugc", content: aContent({ duration: 360, width: 3840, height: 2160, fps: 60 }) });
const withResponse = (maxResponse: number | null, titles = [UPLOAD]) => {
  const w = aWorkload({ titles });
  w.policy.maxResponse = maxResponse;
  return w;
};
const encodes = (w: ReturnType<typeof withResponse>, title = w.titles[0]!) => expandTitle(title, w, book).tasks.filter((t) => t.kind === "encode");

describe("cutting long encodes for a bounded response", () => {
  it("cuts each rendition so that no chunk needs more than maxResponse on one slot, each rendition on its own", () => {
    const w = withResponse(600);
    const tasks = encodes(w);
    for (const t of tasks) expect(t.work).toBeLessThanOrEqual(600 + 1);
    // The 4K rung is cut finer than the small one: chunks follow each rendition's cost.
    const count = (rung: string) => tasks.filter((t) => t.rendition === rung).length;
    const rungs = [...new Set(tasks.map((t) => t.rendition!))];
    expect(count(rungs[0]!)).toBeGreaterThan(count(rungs.at(-1)!));
    // Each chunk knows how many its rendition has; the join waits for all of them.
    const joins = expandTitle(UPLOAD, w, book).tasks.filter((t) => t.kind === "join");
    for (const j of joins) expect(j.after).toHaveLength(j.chunks!);
    // The limit check counts what expansion makes.
    expect(countTasks(UPLOAD, w, book, defaultCostModel)).toBe(expandTitle(UPLOAD, w, book).tasks.length);
  });

  it("never cuts below the minimum chunk length, and leaves deadline titles, explicit work and an unset bound alone", () => {
    const short = aTitle({ id: "short", tier: "ugc", content: aContent({ duration: 50, width: 3840, height: 2160, fps: 60 }) });
    expect(encodes(withResponse(1, [short]), short).every((t) => t.chunk === null)).toBe(true);
    const tiny = encodes(withResponse(1));
    const perRung = tiny.filter((t) => t.rendition === tiny[0]!.rendition).length;
    expect(perRung).toBe(Math.floor(UPLOAD.content.duration / MIN_CHUNK_SECONDS));
    const due = { ...UPLOAD, id: "due", deadline: 7200 };
    expect(encodes(withResponse(600, [due]), due).every((t) => t.chunk === null)).toBe(true);
    const job = { ...UPLOAD, id: "job", work: 36_000 };
    expect(encodes(withResponse(600, [job]), job).every((t) => t.chunk === null)).toBe(true);
    expect(encodes(withResponse(null)).every((t) => t.chunk === null)).toBe(true);
  });

  it("gets a premium arrival its first slot within maxResponse on a farm full of long encodes, whenever it arrives", () => {
    // A 4-slot farm busy encoding twelve long 4K uploads when a premium episode arrives, at one of
    // several moments. (Only encodes are cut: the uploads' analyse tasks are over by the first.)
    const uploads = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((i) => ({ ...UPLOAD, id: `up${i}`, content: { ...UPLOAD.content, duration: 590 } }));
    const firstStart = (maxResponse: number | null, arrival: number) => {
      const premium = aTitle({ id: "ep", tier: "premium", arrival, content: aContent({ duration: 600 }) });
      const w = withResponse(maxResponse, [...uploads, premium]);
      w.capacity.pools[0]!.slots = 4;
      const plan = buildPlan(w, book, { policy: "value", seed: null, trace: null });
      expect(verifyPlan(plan)).toEqual([]);
      const first = Math.min(...plan.tasks.filter((t) => t.title === "ep").map((t) => t.start)) - arrival;
      // The plan reports it per tier: the episode is the only premium title.
      expect(plan.metrics.timeToFirstSlot!.premium!.max).toBeCloseTo(first, 2);
      return first;
    };
    const arrivals = Array.from({ length: 13 }, (_, i) => 3000 + 250 * i);
    const cut = arrivals.map((a) => firstStart(600, a));
    const uncut = arrivals.map((a) => firstStart(null, a));
    expect(Math.max(...cut)).toBeLessThanOrEqual(600);
    // Uncut, arrivals wait longer on the whole (here 158 s against 202 s on average).
    const mean = (xs: number[]) => xs.reduce((x, y) => x + y, 0) / xs.length;
    expect(mean(cut)).toBeLessThan(mean(uncut));
  });
});

describe("chunk boundaries", () => {
  it("fall on the package's segment grid, so no segment runs past its target (45 min in 12 chunks, 2-s segments)", () => {
    const lengths = chunksOf(2700, 12, 2);
    expect(lengths).toHaveLength(12);
    expect(lengths.reduce((a, b) => a + b, 0)).toBeCloseTo(2700, 9);
    let at = 0;
    for (const l of lengths.slice(0, -1)) {
      at += l;
      expect(at % 2).toBe(0);
    }
    // Without a grid they are equal, as before (225 s: off a 2-s grid).
    expect(chunksOf(2700, 12)).toEqual(new Array(12).fill(225));
  });
});
