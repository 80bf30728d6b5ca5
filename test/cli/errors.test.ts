// Bad input and bad usage: exit 2, one `file:line:col path: expected …, found …` line per problem
// in a file, a message saying what was expected for a bad flag, no stack, and nothing written.
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GOOD_WORKLOAD, tempDir, vps } from "./run";

/** GOOD_WORKLOAD with its 1-based line `n` replaced by `lines` (several lines allowed). */
function editLine(n: number, ...lines: string[]): string {
  const all = GOOD_WORKLOAD.split("\n");
  all.splice(n - 1, 1, ...lines);
  return all.join("\n");
}

const PROBLEM = /^(\S+):(\d+):(\d+) (\S+): (.+)$/;

interface FileCase {
  name: string;
  text: string;
  /** The problem line expected for the offending key: line, col (null: the parser's choice), path, and a phrase of the message. */
  line: number;
  col: number | null;
  path: string;
  says: RegExp;
}

const FILE_CASES: FileCase[] = [
  {
    name: "an unknown key",
    text: editLine(10, "    deliverables: [h264-sdr, hevc-sdr]", "    colour: blue"),
    line: 11,
    col: 5,
    path: "titles[0].colour",
    says: /expected one of the keys .*found unknown key "colour"/,
  },
  {
    name: 'duration: "45 minutes"',
    text: editLine(9, '    content: { duration: "45 minutes", resolution: 1920x1080, fps: 24 }'),
    line: 9,
    col: 26,
    path: "titles[0].content.duration",
    says: /expected seconds .* or a duration like 45m.*found "45 minutes"/,
  },
  {
    name: "a deadline before the arrival",
    text: GOOD_WORKLOAD + "    deadline: +5m\n",
    line: 17,
    col: 15,
    path: "titles[1].deadline",
    says: /expected a deadline not before the arrival/,
  },
  {
    name: "an unknown deliverable",
    text: editLine(16, "    deliverables: [h264-sdr, prores-xq]"),
    line: 16,
    col: 30,
    path: "titles[1].deliverables[1]",
    says: /expected a deliverable of the recipe library .*found "prores-xq"/,
  },
  {
    name: "an empty file",
    text: "",
    line: 1,
    col: 1,
    path: "(root)",
    says: /expected a mapping, found nothing/,
  },
  {
    name: "a YAML syntax error (an unclosed flow map)",
    text: editLine(3, "  pools: { cpu: 64"),
    line: 3,
    col: null,
    path: "(yaml)",
    says: /expected valid YAML, found a syntax error/,
  },
];

/**
 * Runs `vps plan` on a fixture with `-o`, and checks what every rejected input shares.
 * `extra` gets the fixture dir, for flags that point into it.
 */
function rejected(files: Record<string, string>, workload: string, extra: (dir: string) => string[] = () => []) {
  const dir = tempDir(files);
  const before = readdirSync(dir).sort();
  const r = vps("plan", join(dir, workload), "-o", join(dir, "out.json"), ...extra(dir));
  expect(r.status).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  // Nothing written: no plan, no temp file.
  expect(existsSync(join(dir, "out.json"))).toBe(false);
  expect(readdirSync(dir).sort()).toEqual(before);
  return { dir, stderr: r.stderr };
}

describe("vps plan with a bad workload file", () => {
  it.each(FILE_CASES)("$name → exit 2 and $path at line $line", (c) => {
    const { dir, stderr } = rejected({ "w.yaml": c.text }, "w.yaml");
    const lines = stderr.trimEnd().split("\n");
    for (const l of lines) expect(l).toMatch(PROBLEM);
    const hit = lines.map((l) => PROBLEM.exec(l)!).find((m) => m[4] === c.path);
    expect(hit, stderr).toBeDefined();
    expect(hit![1]).toBe(join(dir, "w.yaml"));
    expect(Number(hit![2])).toBe(c.line);
    if (c.col !== null) expect(Number(hit![3])).toBe(c.col);
    expect(hit![5]).toMatch(c.says);
  });

  it("reports every problem of a file, one line each, in file order", () => {
    const text = editLine(9, '    content: { duration: "45 minutes", resolution: 1920x1080, fps: 24 }').replace("[h264-sdr]\n", "[h264-sdr, prores-xq]\n");
    const { stderr } = rejected({ "w.yaml": text }, "w.yaml");
    const lines = stderr.trimEnd().split("\n");
    expect(lines.map((l) => PROBLEM.exec(l)?.[4])).toEqual(["titles[0].content.duration", "titles[1].deliverables[1]"]);
  });
});

describe("vps plan with an input that cannot be read", () => {
  it.each([
    ["a missing workload file", {}, "missing.yaml", [] as string[], /missing\.yaml.*no such file/],
    ["a directory as the workload", { "adir/keep": "" }, "adir", [], /adir\b.*(directory|EISDIR)/],
    ["a --recipes dir that does not exist", { "w.yaml": GOOD_WORKLOAD }, "w.yaml", ["--recipes", "/nonexistent/recipes"], /\/nonexistent\/recipes.*no such directory/],
  ])("%s → exit 2 naming it", (_name, files, workload, extra, says) => {
    const { stderr } = rejected(files, workload, () => extra);
    expect(stderr).toMatch(says);
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it("a --recipes dir with a misspelt key in a recipe file → exit 2 pointing at that line of that file", () => {
    const recipe = [
      "deliverable: h264-sdr",
      "codec: h264",
      "encodr: libx264",
      "pool: cpu",
      "hdr: false",
      "bitDepth: 8",
      "recipes:",
      "  - class: generic",
      "    preset: medium",
      '    reason: "test"',
      "    ladder:",
      "      - { name: 720p, width: 1280, height: 720, bitrateKbps: 3000 }",
      "",
    ].join("\n");
    const workload = GOOD_WORKLOAD.replaceAll("[h264-sdr, hevc-sdr]", "[h264-sdr]");
    const { dir, stderr } = rejected({ "w.yaml": workload, "recipes/h264-sdr.yaml": recipe }, "w.yaml", (d) => ["--recipes", join(d, "recipes")]);
    const hit = stderr.split("\n").find((l) => l.includes(" encodr: "));
    expect(hit?.startsWith(`${join(dir, "recipes", "h264-sdr.yaml")}:3:1 encodr: expected `), stderr).toBe(true);
    expect(hit).toMatch(/found unknown key "encodr"$/);
  });
});

describe("usage errors", () => {
  const dir = tempDir({ "good.yaml": GOOD_WORKLOAD });
  const good = join(dir, "good.yaml");
  mkdirSync(join(dir, "empty-recipes"));

  it.each([
    ["an unknown command", ["frobnicate"], /unknown command 'frobnicate'/],
    ["--policy bogus", ["plan", good, "--policy", "bogus"], /expected one of value, fifo, found "bogus"/],
    ["simulate --policy bogus", ["simulate", "--policy", "bogus"], /expected one of value, fifo, found "bogus"/],
    ["--seed abc", ["simulate", "--seed", "abc"], /expected a whole-number seed ≥ 0 \(like 42\), found "abc"/],
    ["--seed 1.5", ["simulate", "--seed", "1.5"], /expected a whole-number seed ≥ 0 \(like 42\), found "1\.5"/],
    ["--min-compliance 1.5", ["plan", good, "--min-compliance", "1.5"], /expected a share between 0 and 1.*found "1\.5"/],
    ["--min-compliance 99%", ["plan", good, "--min-compliance", "99%"], /expected a share between 0 and 1.*found "99%"/],
    ["--accelerate 0", ["simulate", "--accelerate", "0"], /expected a positive number, found "0"/],
    ["plan without a workload", ["plan"], /missing required argument 'workload'/],
    ["an unknown option", ["plan", good, "--bogus"], /unknown option '--bogus'/],
    ["an empty --recipes dir", ["plan", good, "--recipes", join(dir, "empty-recipes")], /no recipe files .*empty-recipes/],
    ["-o into a folder that does not exist", ["plan", good, "-o", "/nonexistent/dir/plan.json", "--json"], /cannot write \/nonexistent\/dir\/plan\.json/],
  ])("%s → exit 2 saying what was expected", (_name, args, says) => {
    const r = vps(...args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(says);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });
});
