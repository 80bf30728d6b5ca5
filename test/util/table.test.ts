// Tables and prose fitted to a terminal: at 80 columns a plan, a forecast and a comparison of the
// shipped scenarios fit line by line; what was left out is said; a pipe (no width) gets every column.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { terminalWidth } from "../../src/cli/output";
import { loadRecipeDir } from "../../src/load/recipes";
import { buildPlan } from "../../src/plan/build";
import { comparePlans, formatComparison } from "../../src/plan/compare";
import { formatPlan } from "../../src/plan/format";
import { generateWorkload } from "../../src/scenario/generate";
import { loadScenarioFile } from "../../src/scenario/load";
import { renderTable, UNLIMITED, visibleWidth, wrapText } from "../../src/util/table";

const widest = (text: string): number => Math.max(...text.split("\n").map(visibleWidth));
/** The table without the note under it that names what was left out. */
const body = (text: string): string => text.split("\n(left out")[0]!;
const at = (path: string) => fileURLToPath(new URL(path, import.meta.url));

describe("renderTable", () => {
  const columns = ["title", { head: "reason", wrap: true }, { head: "seldom read", drop: 1 }, { head: "sometimes read", drop: 2 }];
  const rows = [["launch-ep1", "the deadline is met only by dropping the 2160p rung of every AV1 deliverable", "x".repeat(20), "y".repeat(20)]];

  it("keeps every column whole when there is no width to fit", () => {
    const text = renderTable(columns, rows, UNLIMITED);
    for (const cell of [...rows[0]!, "seldom read", "sometimes read"]) expect(text).toContain(cell);
    expect(text).not.toMatch(/left out/);
  });

  it("drops the columns a reader can best spare, lowest first, and says which", () => {
    const natural = widest(renderTable(columns, rows, UNLIMITED));
    const text = renderTable(columns, rows, natural - 10);
    expect(widest(text)).toBeLessThanOrEqual(natural - 10);
    expect(body(text)).not.toContain("seldom read");
    expect(body(text)).toContain("sometimes read");
    expect(text).toMatch(/left out to fit \d+ columns: seldom read; --json has everything/);
  });

  it("wraps the prose column at word boundaries once dropping is not enough", () => {
    const text = renderTable(columns, rows, 60);
    expect(widest(text)).toBeLessThanOrEqual(60);
    expect(body(text)).not.toContain("sometimes read");
    expect(text.replace(/\s+/g, " ")).toContain("left out to fit 60 columns: seldom read, sometimes read;");
    expect(text.replace(/[│\s]+/g, " ")).toContain("dropping the 2160p rung of every AV1 deliverable");
    expect(text).toContain("launch-ep1");
  });

  it("prints a key–value table without a header when no column has one", () => {
    const text = renderTable([{ head: "" }, { head: "", wrap: true }], [["class", "animation"]], 80);
    expect(text.split("\n")).toHaveLength(3);
  });
});

describe("wrapText", () => {
  it("wraps at spaces and keeps a list item's indent on its continuation lines", () => {
    const text = wrapText("  - one two three four five six seven eight nine ten", 20);
    expect(widest(text)).toBeLessThanOrEqual(20);
    for (const line of text.split("\n").slice(1)) expect(line.startsWith("    ")).toBe(true);
    expect(text.replace(/\s+/g, " ").trim()).toBe("- one two three four five six seven eight nine ten");
  });

  it("keeps a word longer than the width whole and leaves text alone with no width", () => {
    expect(wrapText("a ".repeat(3) + "x".repeat(30), 10).split("\n")).toContain("x".repeat(30));
    const long = "word ".repeat(50);
    expect(wrapText(long, UNLIMITED)).toBe(long);
  });
});

describe("terminalWidth", () => {
  const pipe = { isTTY: false, columns: 0 } as unknown as NodeJS.WriteStream;
  it("is the terminal's width, else $COLUMNS, else unlimited", () => {
    expect(terminalWidth({ isTTY: true, columns: 97 } as unknown as NodeJS.WriteStream, {})).toBe(97);
    expect(terminalWidth(pipe, { COLUMNS: "120" })).toBe(120);
    expect(terminalWidth(pipe, { COLUMNS: "wide" })).toBe(UNLIMITED);
    expect(terminalWidth(pipe, {})).toBe(UNLIMITED);
  });
});

describe("the shipped scenarios at 80 columns", () => {
  const book = loadRecipeDir(at("../../recipes"));
  for (const name of ["default", "scheduled-release", "viral"]) {
    it(`${name}: every line of the plan and of the policy comparison fits`, () => {
      const workload = generateWorkload(loadScenarioFile(at(`../../scenarios/${name}.yaml`)), 42);
      const plans = (["value", "fifo"] as const).map((policy) => buildPlan(workload, book, { policy, seed: 42, trace: null }));
      const text = formatPlan(plans[0]!, { command: "vps simulate", allTitles: true, tasks: false, width: 80 });
      expect(widest(text)).toBeLessThanOrEqual(80);
      expect(widest(formatComparison(comparePlans(plans), 80))).toBeLessThanOrEqual(80);
      // Nothing the reader needs is lost: every title is still named.
      for (const t of plans[0]!.titles) expect(text).toContain(t.id);
    });
  }
});

describe("renderTable, when dropping and the prose columns are not enough", () => {
  it("wraps any column, headings included, rather than overflow", () => {
    const columns = ["method", "mean gap", { head: "median gap", drop: 1 }, "on time where the optimum is 0 (18 instances)"];
    const rows = [["ATC, best k per instance", "3.6%", "0.8%", "18/18"]];
    const text = renderTable(columns, rows, 50);
    expect(widest(text)).toBeLessThanOrEqual(50);
    expect(text.replace(/[│\s]+/g, " ")).toContain("on time where");
    expect(text).toContain("18/18");
  });
});
