import { describe, expect, it } from "vitest";
import { loadWorkloadText } from "../../src/load/workload";
import { describeValue, formatPath, parseYaml, posOf, validateSchema } from "../../src/load/yaml";
import { inputError, shippedBook } from "./helpers";

const TEXT = `a: 1
b:
  - x: 1
    y: [1, 2]
  - x: 2
"odd key": { z: true }
`;

describe("posOf", () => {
  const { source } = parseYaml("f.yaml", TEXT);
  it.each([
    [["b", 1, "x"], false, "5:8", "b[1].x"],
    [["b", 0, "y", 1], false, "4:12", "b[0].y[1]"],
    [["b", 0, "y"], true, "4:5", "b[0].y"],
    [["odd key", "z"], false, "6:17", '["odd key"].z'],
    // Missing nodes fall back to the nearest ancestor that exists.
    [["b", 0, "missing"], false, "3:5", "b[0].missing"],
    [["b", 7], false, "3:3", "b[7]"],
    [[], false, "1:1", "(root)"],
  ] as const)("finds %j", (path, key, at, printed) => {
    const pos = posOf(source, path, key);
    expect(`${pos.line}:${pos.col}`).toBe(at);
    expect(pos).toMatchObject({ file: "f.yaml", path: printed });
  });

  it("follows aliases", () => {
    const { source: s } = parseYaml("f.yaml", "base: &b { k: 1 }\nuse: *b\n");
    expect(posOf(s, ["use", "k"])).toMatchObject({ line: 1, col: 15 });
  });
});

describe("formatPath and describeValue", () => {
  it("formats JSON paths", () => {
    expect(formatPath(["titles", 3, "content", "duration"])).toBe("titles[3].content.duration");
    expect(formatPath(["pipelines", "with-qc", 0])).toBe("pipelines.with-qc[0]");
    expect(formatPath(["tiers", "a b"])).toBe('tiers["a b"]');
  });

  it("describes values briefly", () => {
    expect(describeValue("45 minutes")).toBe('"45 minutes"');
    expect(describeValue("x".repeat(1000))).toBe(`"${"x".repeat(60)}…"`);
    expect([describeValue(null), describeValue([]), describeValue({}), describeValue(3)]).toEqual(["nothing", "an empty list", "a mapping", "3"]);
  });
});

describe("parseYaml errors", () => {
  it("reports a syntax error with its position", () => {
    expect(inputError(() => parseYaml("f.yaml", "a: [1\nb: 2\n")).lines()[0]).toMatch(/^f\.yaml:2:1 \(yaml\): expected valid YAML, found a syntax error: /);
  });

  it("reports a duplicate key at the second key, with its path", () => {
    expect(inputError(() => parseYaml("f.yaml", "a:\n  k: 1\n  k: 2\n")).lines()).toEqual(['f.yaml:3:3 a.k: expected unique keys, found key "k" more than once']);
  });

  it("rejects several documents in one file", () => {
    expect(inputError(() => parseYaml("f.yaml", "a: 1\n---\nb: 2\n")).lines()[0]).toContain("multiple documents");
  });
});

describe("validateSchema messages", () => {
  const schema = {
    type: "object",
    additionalProperties: false,
    properties: {
      n: { type: "number", minimum: 1 },
      e: { enum: ["a", "b"] },
      u: {
        oneOf: [
          { type: "integer", description: "a count" },
          { type: "object", additionalProperties: false, properties: { k: { type: "string" } } },
        ],
      },
    },
  };
  const problems = (text: string) => {
    const { source, data } = parseYaml("f.yaml", text);
    return validateSchema(source, data, schema).map((p) => `${p.pos.line}:${p.pos.col} ${p.pos.path}: ${p.message}`);
  };

  it("says what was expected and what was found", () => {
    expect(problems('n: "45 minutes"\ne: c\n')).toEqual(['1:4 n: expected a number, found "45 minutes"', '2:4 e: expected one of "a", "b", found "c"']);
    expect(problems("n: 0\n")).toEqual(["1:4 n: expected a number >= 1, found 0"]);
  });

  it("reports the errors of the one union branch that fits the value", () => {
    expect(problems("u: { k: 1, j: 2 }\n")).toEqual([
      "1:9 u.k: expected a string, found 1",
      '1:12 u.j: expected one of the keys k, found unknown key "j"',
    ]);
  });

  it("lists the accepted forms when no branch fits", () => {
    expect(problems("u: [1]\n")).toEqual(["1:4 u: expected a count or a mapping, found a list"]);
  });
});

describe("hostile input never crashes or hangs", () => {
  const load = (text: string) => inputError(() => loadWorkloadText("w.yaml", text, shippedBook())).lines();

  it("refuses an alias bomb (billion laughs)", () => {
    const names = "abcdefghij";
    const lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
    for (let i = 1; i < names.length; i++) lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${names[i - 1]}`).join(", ")}]`);
    expect(load(lines.join("\n"))).toEqual([expect.stringMatching(/^w\.yaml:1:1 \(document\): expected at most 100 alias expansions/)]);
  });

  it("reports a 1 MB junk string in one short line", () => {
    const lines = load("x".repeat(1_000_000));
    expect(lines).toHaveLength(1);
    expect(lines[0]!.length).toBeLessThan(200);
    expect(lines[0]).toMatch(/^w\.yaml:1:1 \(root\): expected a mapping, found "x+…"$/);
  });

  it("reports a 1 MB key", () => {
    expect(load(`${"k".repeat(1_000_000)}: 1\n`)[0]).toMatch(/^w\.yaml:1:1 \(yaml\): expected valid YAML/);
  });

  it("rejects a top-level list and an empty file", () => {
    expect(load("- a\n- b\n")).toEqual(["w.yaml:1:1 (root): expected a mapping, found a list"]);
    expect(load("")).toEqual(["w.yaml:1:1 (root): expected a mapping, found nothing"]);
    expect(load("# only a comment\n")).toEqual(["w.yaml:1:1 (root): expected a mapping, found nothing"]);
  });

  it("reports binary garbage as YAML errors with printable, bounded messages", () => {
    // A fixed linear congruential sequence: the same garbage on every run.
    let seed = 1;
    const byte = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) >>> 16) & 255;
    const garbage = Array.from({ length: 5000 }, () => String.fromCharCode(byte())).join("");
    const lines = load(garbage);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThanOrEqual(21);
    for (const l of lines) {
      expect(l).toMatch(/^w\.yaml:\d+:\d+ /);
      expect([...l].some((c) => c.charCodeAt(0) < 0x20)).toBe(false);
      expect(l.length).toBeLessThan(300);
    }
  });

  it("stops reading after a few hundred syntax errors (a 4 MB file of one-line JSON documents makes a million)", () => {
    const line = JSON.stringify({ epoch: "2026-11-24T00:00:00Z", capacity: { pools: { cpu: 4 } }, titles: [{ id: "a", content: { duration: 60 } }] });
    const lines = load(Array(40_000).fill(line).join("\n"));
    expect(lines).toHaveLength(21);
    expect(lines[20]).toMatch(/^w\.yaml:\d+:\d+ \(yaml\): …and more YAML errors \(reading stopped here\)$/);
  });

  it("reports deep nesting instead of overflowing the stack", () => {
    expect(load("[".repeat(50_000))[0]).toMatch(/^w\.yaml:1:\d+ \(yaml\): expected at most 100 levels of nested lists and mappings, found deeper nesting$/);
    expect(load(`titles: ${"[".repeat(120)}${"]".repeat(120)}\n`)).toEqual([
      `w.yaml:1:109 titles${"[0]".repeat(100)}: expected at most 100 levels of nested lists and mappings, found deeper nesting`,
    ]);
  });

  it("answers every key of a 20,000-key mapping, and 20,000 copies of one key, each at its line", () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `k${i}: 1`);
    const lines = load(`epoch: 2026-11-24T00:00:00Z\ncapacity: { pools: { cpu: 4 } }\ntitles: []\n${keys.join("\n")}\n`);
    expect(lines).toHaveLength(20_000);
    expect(lines[19_999]).toBe('w.yaml:20003:1 k19999: expected one of the keys epoch, capacity, tiers, pipelines, titles, policy, events, found unknown key "k19999"');
    const twice = load(`${Array(20_000).fill("k: 1").join("\n")}\n`);
    expect(twice[0]).toBe('w.yaml:2:1 k: expected unique keys, found key "k" more than once');
  });
});
