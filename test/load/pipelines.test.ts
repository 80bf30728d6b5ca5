import { describe, expect, it } from "vitest";
import { findCycles } from "../../src/load/workload-rules";
import { loadWorkloadText } from "../../src/load/workload";
import { BASE_WORKLOAD, shippedBook, workloadProblems } from "./helpers";

/** BASE_WORKLOAD with a `pipelines:` block and its title using `with-qc`. */
function withPipeline(stages: string): string {
  return `pipelines:\n  with-qc:\n${stages}${BASE_WORKLOAD.replace("    tier: premium\n", "    tier: premium\n    pipeline: with-qc\n")}`;
}

const GOOD = `    - { id: analyse, kind: analyse }
    - { id: encode, kind: encode, after: [analyse] }
    - { id: qc, kind: custom, pool: cpu, after: [encode], workPerSecond: 0.2, slots: 2 }
    - { id: package, kind: package, after: [qc] }
    - { id: publish, kind: publish, after: [package] }
`;

describe("custom pipelines", () => {
  it("normalises a valid pipeline", () => {
    const w = loadWorkloadText("w.yaml", withPipeline(GOOD), shippedBook());
    expect(w.titles[0]?.pipeline).toBe("with-qc");
    expect(w.pipelines["with-qc"]).toEqual([
      { id: "analyse", kind: "analyse", after: [], pool: null, workPerSecond: 0, slots: 1 },
      { id: "encode", kind: "encode", after: ["analyse"], pool: null, workPerSecond: 0, slots: 1 },
      { id: "qc", kind: "custom", after: ["encode"], pool: "cpu", workPerSecond: 0.2, slots: 2 },
      { id: "package", kind: "package", after: ["qc"], pool: null, workPerSecond: 0, slots: 1 },
      { id: "publish", kind: "publish", after: ["package"], pool: null, workPerSecond: 0, slots: 1 },
    ]);
  });

  it("rejects an unknown `after` reference", () => {
    const lines = workloadProblems(withPipeline(GOOD.replace("after: [qc]", "after: [qa]")));
    expect(lines).toEqual(['w.yaml:6:45 pipelines.with-qc[3].after[0]: expected a stage of pipeline "with-qc" ("analyse", "encode", "qc", "package", "publish"), found "qa"']);
  });

  it("names a dependency cycle", () => {
    const cyclic = GOOD.replace("after: [analyse] }", "after: [analyse, qc] }");
    expect(workloadProblems(withPipeline(cyclic))).toEqual(["w.yaml:3:5 pipelines.with-qc: expected stages without a dependency cycle, found encode → qc → encode"]);
  });

  it("finds every distinct cycle once, named from its smallest stage", () => {
    const stage = (id: string, after: string[]) => ({ id, kind: "custom" as const, after, pool: "cpu", workPerSecond: 0, slots: 1 });
    expect(findCycles([stage("b", ["a"]), stage("a", ["b"]), stage("c", ["c"]), stage("d", ["zz"])])).toEqual([
      ["a", "b", "a"],
      ["c", "c"],
    ]);
  });

  it("rejects a custom stage whose pool is not in the capacity, or has none", () => {
    const lines = workloadProblems(withPipeline(GOOD.replace("pool: cpu, ", "pool: gpu, ") + "    - { id: notify, kind: custom, after: [publish] }\n"));
    expect(lines).toEqual([
      'w.yaml:5:37 pipelines.with-qc[2].pool: expected a pool of the capacity ("cpu"), found "gpu"',
      'w.yaml:8:7 pipelines.with-qc[5]: expected a pool for custom stage "notify" (one of "cpu"), found none',
    ]);
  });

  it("rejects a pipeline without an encode stage", () => {
    const lines = workloadProblems(withPipeline(GOOD.replace("kind: encode", "kind: custom, pool: cpu")));
    expect(lines).toEqual(["w.yaml:3:5 pipelines.with-qc: expected exactly one stage of kind encode, found none"]);
  });

  it("rejects duplicate stage ids and a pool on a non-custom stage", () => {
    const lines = workloadProblems(withPipeline(GOOD.replace("id: publish, kind: publish", "id: package, kind: publish, pool: cpu")));
    expect(lines).toEqual([
      'w.yaml:7:13 pipelines.with-qc[4].id: expected a unique stage id, found "package" again',
      'w.yaml:7:37 pipelines.with-qc[4].pool: expected no pool on a publish stage (only custom stages take one), found "cpu"',
    ]);
  });
});
