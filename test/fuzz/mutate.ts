// fast-check arbitraries that turn a valid input into a hostile one: first on its data (a value
// replaced by a wrong type, a huge/NaN/negative number, a long or control-character string, deep
// nesting, a mapping of thousands of keys; a key removed or added), then on its text (BOM, CRLF,
// truncation, garbage bytes, a duplicated or repeated line, brackets, YAML tags, anchors, an alias
// bomb, binary garbage). Each mutation is plain data, so a failing input is described in words.
import fc from "fast-check";
import { parse, stringify } from "yaml";
import type { Format, Kind } from "./kinds";

export interface Options {
  /**
   * Kinds whose numbers stay within ±1e5. TODO(limits): the CLI runs need this for workloads,
   * scenarios and recipes until the workload limits commit (max duration, resolution, fps,
   * titles, task expansion) is on main: `vps plan` of a 1e9-second title expands into tasks
   * until it runs out of memory. Then pass an empty list.
   */
  modest: readonly string[];
}

interface Numbers {
  modestNumbers: boolean;
}

function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = i % 2 ? { k: v } : [v];
  return v;
}

function hostile(o: Numbers): fc.Arbitrary<unknown> {
  const huge = o.modestNumbers ? [] : [1e308, -1e308, Number.MAX_VALUE, 2 ** 53 + 1, 1e21, NaN, Infinity, -Infinity];
  return fc.oneof(
    fc.constantFrom<unknown>(null, true, false, 0, -1, -0, 0.5, 5e-324, ...huge, "", " ", "NaN", "1e999", "-5", "45 minutes", "+99999h", "0s", "x/0"),
    o.modestNumbers ? fc.double({ min: -1e5, max: 1e5, noNaN: true }) : fc.double(),
    o.modestNumbers ? fc.integer({ min: -1e5, max: 1e5 }) : fc.integer(),
    fc.string({ unit: "binary", maxLength: 40 }),
    fc.nat(20_000).map((n) => "x".repeat(n)),
    fc.constantFrom("!!binary AAAA", "*alias", "&a x", "<<", "---", "%YAML 1.1", "? a", "- -", "{", "]", "\u0000", "\u202e", "é\u0301"),
    fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 5 })), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.integer(), fc.string({ maxLength: 5 })), { maxKeys: 4 }),
    fc.integer({ min: 90, max: 130 }).map(nested),
    fc.integer({ min: 100, max: 3000 }).map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]))),
  );
}

export type ValueOp = { op: "set"; pick: number; value: unknown } | { op: "delete"; pick: number } | { op: "add"; pick: number; key: string; value: unknown };

export type TextOp =
  | { op: "bom" | "crlf" | "cr" }
  | { op: "truncate" | "duplicate-line"; at: number }
  | { op: "insert"; at: number; text: string }
  | { op: "repeat-line"; at: number; times: number }
  | { op: "garbage"; bytes: number[] };

export interface Mutation {
  kind: Kind;
  values: ValueOp[];
  texts: TextOp[];
  /** JSON kinds: indented (one value per line) or on one line. */
  indent: boolean;
}

const TEXT_INSERTS = [
  "\uFEFF",
  "\u0000",
  "\t",
  '"',
  "'",
  "#",
  ": ",
  "\n- ",
  "!!binary ",
  "!local ",
  "!!int ",
  "&anchor ",
  "*anchor",
  "<<: *anchor\n",
  "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
];

function textOp(): fc.Arbitrary<TextOp> {
  return fc.oneof(
    fc.constantFrom<TextOp>({ op: "bom" }, { op: "crlf" }, { op: "cr" }),
    fc.record({ op: fc.constantFrom("truncate" as const, "duplicate-line" as const), at: fc.nat() }),
    fc.record({
      op: fc.constant("insert" as const),
      at: fc.nat(),
      text: fc.oneof(fc.constantFrom(...TEXT_INSERTS), fc.string({ unit: "binary", maxLength: 20 }), fc.integer({ min: 50, max: 20_000 }).map((n) => "[".repeat(n)), fc.integer({ min: 50, max: 5_000 }).map((n) => "{a: ".repeat(n))),
    }),
    fc.record({ op: fc.constant("repeat-line" as const), at: fc.nat(), times: fc.integer({ min: 2, max: 5_000 }) }),
    fc.record({ op: fc.constant("garbage" as const), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 2_000 }) }),
  );
}

function valueOp(o: Numbers): fc.Arbitrary<ValueOp> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.record({ op: fc.constant("set" as const), pick: fc.nat(), value: hostile(o) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant("delete" as const), pick: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant("add" as const), pick: fc.nat(), key: fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom("__proto__", "constructor", "id", "")), value: hostile(o) }) },
  );
}

export function mutation(kinds: readonly Kind[], o: Options): fc.Arbitrary<Mutation> {
  return fc.constantFrom(...kinds).chain((kind) =>
    fc.record({
      kind: fc.constant(kind),
      values: fc.array(valueOp({ modestNumbers: o.modest.includes(kind.name) }), { maxLength: 3 }),
      texts: fc.oneof({ weight: 2, arbitrary: fc.constant<TextOp[]>([]) }, { weight: 1, arbitrary: fc.array(textOp(), { minLength: 1, maxLength: 2 }) }),
      indent: fc.boolean(),
    }),
  );
}

// ---- applying a mutation ------------------------------------------------------------------------

type Container = Record<string, unknown> | unknown[];

/** Every container and key in `data` (breadth first, the first 5,000): where a value op may act. */
function places(data: unknown): { parent: Container; key: string | number }[] {
  const out: { parent: Container; key: string | number }[] = [];
  const queue: unknown[] = [data];
  for (let i = 0; i < queue.length && out.length < 5_000; i++) {
    const v = queue[i];
    const entries: [string | number, unknown][] = Array.isArray(v) ? v.map((x, j) => [j, x]) : v !== null && typeof v === "object" ? Object.entries(v) : [];
    for (const [key, x] of entries) {
      out.push({ parent: v as Container, key });
      queue.push(x);
    }
  }
  return out;
}

function applyValue(data: unknown, op: ValueOp): unknown {
  const all = places(data);
  if (all.length === 0) return op.op === "set" ? op.value : data;
  const { parent, key } = all[op.pick % all.length]!;
  if (op.op === "set") (parent as Record<string | number, unknown>)[key] = op.value;
  else if (op.op === "delete") {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  }
  else {
    const target = (parent as Record<string | number, unknown>)[key];
    if (target !== null && typeof target === "object" && !Array.isArray(target)) Object.defineProperty(target, op.key, { value: op.value, enumerable: true, configurable: true, writable: true });
    else (parent as Record<string | number, unknown>)[key] = op.value;
  }
  return data;
}

function decode(format: Format, text: string): unknown {
  if (format === "yaml") return parse(text);
  if (format === "json") return JSON.parse(text);
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  return format === "ndjson" ? lines.map((l) => JSON.parse(l)) : lines.map((l) => l.split(","));
}

function cell(v: unknown): string {
  return typeof v === "string" ? v : (JSON.stringify(v) ?? String(v));
}

function encode(format: Format, data: unknown, indent: boolean): string {
  if (format === "yaml") return indent ? stringify(data, { aliasDuplicateObjects: false }) : `${JSON.stringify(data) ?? "null"}\n`;
  if (format === "json") return JSON.stringify(data, undefined, indent ? 2 : undefined) ?? "null";
  const rows = Array.isArray(data) ? data : [data];
  if (format === "ndjson") return rows.map((r) => JSON.stringify(r) ?? "null").join("\n") + "\n";
  return rows.map((r) => (Array.isArray(r) ? r.map(cell).join(",") : cell(r))).join("\n") + "\n";
}

/**
 * Repeating a line stops at this many characters: a whole one-line plan repeated 5,000 times is a
 * 250 MB file, which tests the machine's memory rather than vps.
 */
const MAX_REPEATED = 4_000_000;

function applyText(text: string, op: TextOp): string {
  const at = "at" in op ? op.at % (text.length + 1) : 0;
  const lines = text.split("\n");
  const line = "at" in op ? op.at % lines.length : 0;
  switch (op.op) {
    case "bom":
      return `\uFEFF${text}`;
    case "crlf":
      return text.replace(/\n/g, "\r\n");
    case "cr":
      return text.replace(/\n/g, "\r");
    case "truncate":
      return text.slice(0, at);
    case "insert":
      return text.slice(0, at) + op.text + text.slice(at);
    case "duplicate-line":
      return [...lines.slice(0, line + 1), lines[line]!, ...lines.slice(line + 1)].join("\n");
    case "repeat-line":
      return [...lines.slice(0, line), ...Array<string>(Math.min(op.times, Math.ceil(MAX_REPEATED / (lines[line]!.length + 1)))).fill(lines[line]!), ...lines.slice(line + 1)].join("\n");
    case "garbage":
      return String.fromCharCode(...op.bytes);
  }
}

/** The input text a mutation makes of its kind's seed. */
export function render(m: Mutation): string {
  const data = m.values.reduce(applyValue, decode(m.kind.format, m.kind.seed));
  return m.texts.reduce(applyText, m.values.length === 0 ? m.kind.seed : encode(m.kind.format, data, m.indent));
}

/** A failing input in words: its kind and what was done to it (values cut short). */
export function describe(m: Mutation): string {
  const short = (v: unknown) => {
    const s = typeof v === "string" ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
    return s.length > 80 ? `${s.slice(0, 80)}… (${s.length} chars)` : s;
  };
  return `${m.kind.name}: ${JSON.stringify({ values: m.values.map((v) => ({ ...v, ..."value" in v ? { value: short(v.value) } : {} })), texts: m.texts.map((t) => ("text" in t ? { ...t, text: short(t.text) } : "bytes" in t ? { op: t.op, bytes: t.bytes.length } : t)), indent: m.indent })}`;
}
