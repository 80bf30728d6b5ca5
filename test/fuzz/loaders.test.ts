// The fuzz suite, in-process: RUNS mutated inputs of every kind (workloads, events, scenarios,
// recipes, histories, plans, cost and rate–quality models) through their loaders. Each must be
// accepted or rejected with positioned problems, never crash or hang. VPS_FUZZ_RUNS scales it.
import { describe, expect, test } from "vitest";
import { InputError } from "../../src/util/errors";
import { answers, failures, inputs, loadFault, render, RUNS, SEED } from "./check";
import { type Kind, KINDS } from "./kinds";

describe("the checks themselves", () => {
  const loading = (load: Kind["load"]): Kind => ({ ...KINDS[0]!, load });
  const at = (line: number, col: number) => ({ file: "f.yaml", line, col, path: "a" });

  test("see a crash, a rejection without a position, and a problem outside the file", () => {
    expect(loadFault(loading(() => (JSON.parse("null") as { x: number }).x), "a: 1")).toMatch(/^threw TypeError/);
    expect(loadFault(loading(() => { throw new InputError("f.yaml: no"); }), "a: 1")).toBe("rejected without a position: f.yaml: no");
    expect(loadFault(loading(() => { throw new InputError("no", [{ pos: at(9, 1), message: "m" }]); }), "a: 1")).toBe("line 9 of a 1-line file");
    expect(loadFault(loading(() => { throw new InputError("no", [{ pos: at(1, 0), message: "m" }]); }), "a: 1")).toBe("column 0");
    expect(loadFault(loading(() => { throw new InputError("no", [{ pos: at(1, 1), message: "two\nlines" }]); }), "a: 1")).toMatch(/^a malformed problem/);
    expect(loadFault(loading(() => { throw new InputError("no", [{ pos: at(1, 1), message: "m" }]); }), "a: 1")).toBeNull();
  });
});

describe("the fuzz corpus through the loaders", () => {
  test.each(KINDS.map((k) => [k.name, k] as const))("the %s seed loads cleanly", (_name, kind) => {
    expect(loadFault(kind, kind.seed)).toBeNull();
    expect(() => kind.load(`f.${kind.ext}`, kind.seed)).not.toThrow();
  });

  test(`${RUNS} mutated inputs (seed ${SEED}): no crash, no hang, every problem positioned`, { timeout: 60_000 + RUNS * 200 }, () => {
    answers.clear();
    const { runs, failed } = failures(inputs(KINDS, RUNS, { modest: [] }), (m) => loadFault(m.kind, render(m)));
    // The count is the closing note's figure: `VPS_FUZZ_RUNS=10000 npx vitest run test/fuzz`.
    console.log(`fuzz (loaders): ${runs} inputs, ${failed.length} failures; answers ${JSON.stringify(Object.fromEntries(answers))}`);
    expect(failed.slice(0, 5)).toEqual([]);
    expect(runs).toBe(RUNS);
  });
});
