// YAML parsing with positions, and JSON Schema validation whose errors point back into the YAML.
// Every problem becomes `file:line:col path: expected …, found …` (see DESIGN.md, Errors).
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import { Document, LineCounter, isAlias, isMap, isSeq, type Node } from "yaml";
import type { SourcePos } from "../model";
import { InputError, type Problem } from "../util/errors";
import { checkTree, composeDocument, type Found, MAX_DEPTH, pairOf, resolveAlias } from "./yamlTree";

export interface YamlSource {
  file: string;
  text: string;
  doc: Document;
  lineCounter: LineCounter;
}

/** An alias bomb (billion laughs) expands exponentially; yaml refuses beyond this many alias uses. */
const MAX_ALIAS_COUNT = 100;
/** Binary garbage can yield thousands of syntax errors; the first few say enough. */
const MAX_SYNTAX_PROBLEMS = 20;

/** Parses; YAML syntax errors (and duplicate keys) throw InputError whose problems carry positions. Returns the plain JS data too. */
export function parseYaml(file: string, text: string): { source: YamlSource; data: unknown } {
  const lineCounter = new LineCounter();
  // prettyErrors off (in composeDocument): we print our own `file:line:col` prefix, not yaml's excerpt.
  let doc: Document;
  let cut: boolean;
  try {
    ({ doc, cut } = composeDocument(text, lineCounter));
  } catch (e) {
    // yaml reports most stack overflows as errors itself; this catches any it lets through.
    if (!(e instanceof RangeError)) throw e;
    throw new InputError(`${file}: invalid YAML`, [{ pos: { file, line: 1, col: 1, path: "(yaml)" }, message: TOO_DEEP }]);
  }
  const source: YamlSource = { file, text, doc, lineCounter };
  if (doc.errors.length > 0) {
    const problems = doc.errors.slice(0, MAX_SYNTAX_PROBLEMS).map((e) => syntaxProblem(source, e.message, e.pos[0]));
    if (doc.errors.length > MAX_SYNTAX_PROBLEMS || cut) {
      const last = problems[problems.length - 1]!;
      const more = cut ? "more YAML errors (reading stopped here)" : `${doc.errors.length - MAX_SYNTAX_PROBLEMS} more YAML errors`;
      problems.push({ pos: last.pos, message: `…and ${more}` });
    }
    throw new InputError(`${file}: invalid YAML`, problems);
  }
  const { tooDeep, duplicates } = checkTree(doc, MAX_SYNTAX_PROBLEMS);
  if (tooDeep) throw new InputError(`${file}: invalid YAML`, [{ pos: offsetPos(source, tooDeep.offset, formatPath(tooDeep.path)), message: TOO_DEEP }]);
  if (duplicates.length > 0) throw new InputError(`${file}: invalid YAML`, duplicates.map((d) => duplicateProblem(source, d)));
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    // yaml throws ReferenceError for excessive aliases (and for aliases to unknown anchors).
    const message = e instanceof Error ? e.message : String(e);
    const expected = /alias count/i.test(message) ? `at most ${MAX_ALIAS_COUNT} alias expansions (*name)` : "a document yaml can expand";
    throw new InputError(`${file}: invalid YAML`, [{ pos: offsetPos(source, 0, "(document)"), message: `expected ${expected}, found: ${message}` }]);
  }
  return { source, data };
}

const TOO_DEEP = `expected at most ${MAX_DEPTH} levels of nested lists and mappings, found deeper nesting`;

function syntaxProblem(source: YamlSource, message: string, offset: number): Problem {
  const pos = offsetPos(source, offset, "(yaml)");
  // yaml catches its own stack overflow on deep nesting and reports it as a syntax error.
  if (/call stack/i.test(message)) return { pos, message: TOO_DEEP };
  return { pos, message: `expected valid YAML, found a syntax error: ${firstLine(message)}` };
}

function duplicateProblem(source: YamlSource, d: Found): Problem {
  const key = truncate(String(d.path[d.path.length - 1]), 60);
  return { pos: offsetPos(source, d.offset, formatPath(d.path)), message: `expected unique keys, found key ${JSON.stringify(key)} more than once` };
}

/** yaml's message, one printable line of bounded length: garbage input quotes garbage tokens. */
function firstLine(message: string): string {
  const line = message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
  // eslint-disable-next-line no-control-regex
  const printable = line.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return truncate(printable, 160);
}

function offsetPos(source: YamlSource, offset: number, path: string): SourcePos {
  const { line, col } = source.lineCounter.linePos(offset);
  return { file: source.file, line, col, path };
}

/** Position of the node at `path` (the key's position when `key` is true, e.g. for unknown keys); falls back to the nearest existing ancestor. path uses JSON path style in SourcePos.path: `titles[3].content.duration`. */
export function posOf(source: YamlSource, path: readonly (string | number)[], key = false): SourcePos {
  let node: unknown = source.doc.contents;
  let range: readonly number[] | null | undefined = (node as Node | null)?.range;
  for (const [i, seg] of path.entries()) {
    if (isAlias(node)) node = resolveAlias(source.doc, node);
    const step = childOf(node, seg);
    if (!step) break;
    const isLast = i === path.length - 1;
    const chosen = isLast && key && step.key ? step.key : step.value;
    const r = (chosen as Node | null)?.range ?? (step.key as Node | null)?.range;
    if (r) range = r;
    node = step.value;
  }
  return offsetPos(source, range?.[0] ?? 0, formatPath(path));
}

function childOf(node: unknown, seg: string | number): { key: unknown; value: unknown } | null {
  if (isMap(node)) {
    const pair = pairOf(node, String(seg));
    return pair ? { key: pair.key, value: pair.value } : null;
  }
  if (isSeq(node) && typeof seg === "number") {
    return seg < node.items.length ? { key: null, value: node.items[seg] } : null;
  }
  return null;
}

const IDENT_RE = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function formatPath(path: readonly (string | number)[]): string {
  if (path.length === 0) return "(root)";
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (IDENT_RE.test(seg)) out += out === "" ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** A value as a person would recognise it in their YAML; long values are cut so junk input stays one line. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return value.length === 0 ? "an empty list" : "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return value === "" ? "an empty string" : `"${truncate(JSON.stringify(value).slice(1, -1), 60)}"`;
  return String(value);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

// ---- schema validation ---------------------------------------------------------------------

/**
 * Schemas may carry `x-expected`: a phrase for people ("seconds (a number > 0) or a duration like
 * 45m"). Every error about that very value (its type, pattern, bounds, union branches) is then
 * reported once with this phrase, instead of as ajv's branch-by-branch complaints.
 */
export const EXPECTED_KEYWORD = "x-expected";

let ajvInstance: Ajv | null = null;
const compiled = new WeakMap<object, ValidateFunction>();

function compile(schema: object): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    ajvInstance ??= new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true, discriminator: true });
    if (!ajvInstance.getKeyword(EXPECTED_KEYWORD)) ajvInstance.addKeyword({ keyword: EXPECTED_KEYWORD, schemaType: "string" });
    fn = ajvInstance.compile(schema);
    compiled.set(schema, fn);
  }
  return fn;
}

/** True when `data` fits `schema`: a caller can skip building positions for a good file. */
export function schemaAccepts(data: unknown, schema: object): boolean {
  return compile(schema)(data);
}

/** Validates with ajv (allErrors) and maps each error to a Problem with a position and a human message "expected …, found …". Unknown keys (additionalProperties) are reported at the key, naming the key and the allowed keys. */
export function validateSchema(source: YamlSource, data: unknown, schema: object): Problem[] {
  const validate = compile(schema);
  if (validate(data)) return [];
  // A `discriminator` error repeats what the tag's own enum/required errors say: schemas using
  // one also declare the tag property with its allowed values.
  const errors = pruneUnionBranches(validate.errors ?? []).filter((e) => e.keyword !== "discriminator");
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const e of errors) {
    const p = toProblem(source, data, schema, e);
    const id = `${p.pos.path}\u0000${p.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    problems.push(p);
  }
  return problems.sort((a, b) => a.pos.line - b.pos.line || a.pos.col - b.pos.col);
}

function isUnion(e: ErrorObject): boolean {
  return e.keyword === "oneOf" || e.keyword === "anyOf";
}

/**
 * For a failed oneOf/anyOf, keep the errors of the one branch whose type fits the value (a
 * mapping given for `{slots: …}` shows the mapping's errors); if no single branch fits, keep only
 * the union error, reported as the list of accepted forms.
 */
function pruneUnionBranches(errors: readonly ErrorObject[]): ErrorObject[] {
  const dropped = new Set<ErrorObject>();
  const unions = errors.filter(isUnion).sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  const byPlace = [...errors].sort((a, b) => (a.instancePath < b.instancePath ? -1 : a.instancePath > b.instancePath ? 1 : 0));
  for (const u of unions) {
    if (dropped.has(u)) continue;
    const prefix = `${u.schemaPath}/`;
    const branches = new Map<string, ErrorObject[]>();
    for (const e of within(byPlace, u.instancePath)) {
      if (!e.schemaPath.startsWith(prefix)) continue;
      const branch = e.schemaPath.slice(prefix.length).split("/")[0]!;
      branches.set(branch, [...(branches.get(branch) ?? []), e]);
    }
    const fitting = [...branches.values()].filter(
      (errs) => !errs.some((e) => e.instancePath === u.instancePath && (e.keyword === "type" || e.keyword === "const")),
    );
    const keep = fitting.length === 1 && !hasExpected(u) ? new Set(fitting[0]) : new Set<ErrorObject>();
    for (const errs of branches.values()) for (const e of errs) if (!keep.has(e)) dropped.add(e);
    if (keep.size > 0) dropped.add(u);
  }
  return errors.filter((e) => !dropped.has(e));
}

/**
 * The errors at `place` or below it, from errors sorted by instancePath: a union's branch errors
 * are about its value or its value's children. Looking only there keeps a file with thousands of
 * failed unions (a pool map of 50,000 wrong entries) from comparing every union with every error.
 */
function within(sorted: readonly ErrorObject[], place: string): ErrorObject[] {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.instancePath < place) lo = mid + 1;
    else hi = mid;
  }
  const out: ErrorObject[] = [];
  for (let i = lo; i < sorted.length && sorted[i]!.instancePath.startsWith(place); i++) out.push(sorted[i]!);
  return out;
}

function hasExpected(e: ErrorObject): boolean {
  return typeof (e.parentSchema as Record<string, unknown> | undefined)?.[EXPECTED_KEYWORD] === "string";
}

function toProblem(source: YamlSource, data: unknown, schema: object, e: ErrorObject): Problem {
  const path = instancePath(data, e.instancePath);
  const value = valueAt(data, path);
  const expected = expectedAnnotation(schema, e.schemaPath);
  if (e.keyword === "additionalProperties") {
    const key = String(e.params.additionalProperty);
    const allowed = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
    const list = allowed.length > 0 ? `one of the keys ${allowed.join(", ")}` : "no keys here";
    return { pos: posOf(source, [...path, key], true), message: `expected ${list}, found unknown key "${truncate(key, 60)}"` };
  }
  if (e.keyword === "required") {
    const key = String(e.params.missingProperty);
    const phrase = expectedPhraseOf(e.parentSchema, key);
    return { pos: posOf(source, [...path, key]), message: `expected a value for required key "${key}"${phrase}, found none` };
  }
  if (e.keyword === "uniqueItems" && Array.isArray(value)) {
    // Point at the later copy: the first one is where the user meant it.
    const later = Math.max(Number(e.params.i), Number(e.params.j));
    return { pos: posOf(source, [...path, later]), message: `expected no repeated items, found ${describeValue(value[later])} twice` };
  }
  if (expected !== null) return { pos: posOf(source, path), message: `expected ${expected}, found ${describeValue(value)}` };
  return { pos: posOf(source, path), message: `expected ${expectedPhrase(e)}, found ${describeValue(value)}` };
}

function expectedPhraseOf(parentSchema: unknown, key: string): string {
  const props = (parentSchema as { properties?: Record<string, Record<string, unknown>> } | undefined)?.properties;
  const phrase = props?.[key]?.[EXPECTED_KEYWORD];
  return typeof phrase === "string" ? ` (${phrase})` : "";
}

const TYPE_NAMES: Record<string, string> = {
  integer: "a whole number",
  number: "a number",
  string: "a string",
  object: "a mapping",
  array: "a list",
  boolean: "true or false",
  null: "nothing",
};

function expectedPhrase(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "type": {
      const types = Array.isArray(p.type) ? p.type : String(p.type).split(",");
      return types.map((t) => TYPE_NAMES[String(t)] ?? String(t)).join(" or ");
    }
    case "enum":
      return `one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
    case "const":
      return JSON.stringify(p.allowedValue);
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return `a number ${String(p.comparison)} ${String(p.limit)}`;
    case "minItems":
      return `at least ${String(p.limit)} item${p.limit === 1 ? "" : "s"}`;
    case "maxItems":
      return `at most ${String(p.limit)} items`;
    case "minLength":
      return "a non-empty string";
    case "minProperties":
      return `at least ${String(p.limit)} entr${p.limit === 1 ? "y" : "ies"}`;
    case "pattern":
      return `a string matching /${String(p.pattern)}/`;
    case "oneOf":
    case "anyOf":
      return unionForms(e.schema);
    default:
      return e.message ?? e.keyword;
  }
}

/** "a whole number or a mapping" for a union of branches, from each branch's type or description. */
function unionForms(branches: unknown): string {
  if (!Array.isArray(branches)) return "one of the accepted forms";
  const forms = branches.map((b: Record<string, unknown>) => {
    if (typeof b[EXPECTED_KEYWORD] === "string") return b[EXPECTED_KEYWORD];
    if (typeof b.description === "string") return b.description;
    return typeof b.type === "string" ? (TYPE_NAMES[b.type] ?? b.type) : "another form";
  });
  return [...new Set(forms)].join(" or ");
}

/** JSON pointer → path segments, with array indexes as numbers (walking the data tells which). */
function instancePath(data: unknown, pointer: string): (string | number)[] {
  if (pointer === "") return [];
  const out: (string | number)[] = [];
  let cur: unknown = data;
  for (const raw of pointer.slice(1).split("/")) {
    const seg = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    const step: string | number = Array.isArray(cur) ? Number(seg) : seg;
    out.push(step);
    cur = cur !== null && typeof cur === "object" ? (cur as Record<string | number, unknown>)[step] : undefined;
  }
  return out;
}

function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let cur: unknown = data;
  for (const seg of path) cur = cur !== null && typeof cur === "object" ? (cur as Record<string | number, unknown>)[seg] : undefined;
  return cur;
}

/** Keywords whose sub-schemas apply to a child of the value rather than the value itself. */
const DESCENDING = new Set(["properties", "patternProperties", "additionalProperties", "items", "prefixItems", "contains", "propertyNames"]);
/** Keywords followed in a schema path by a name or index before the sub-schema. */
const NAMED = new Set(["properties", "patternProperties", "definitions", "$defs", "oneOf", "anyOf", "allOf", "prefixItems"]);

/**
 * The nearest `x-expected` phrase on the schema path that still describes the erring value itself
 * (no step into a child between it and the failing keyword).
 */
function expectedAnnotation(root: object, schemaPath: string): string | null {
  const segs = schemaPath.replace(/^#\/?/, "").split("/").filter((s) => s !== "").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  let node: unknown = root;
  let found: string | null = annotationOf(node);
  let i = 0;
  while (i < segs.length - 1) {
    const keyword = segs[i]!;
    if (DESCENDING.has(keyword)) found = null;
    node = (node as Record<string, unknown> | undefined)?.[keyword];
    i += 1;
    if (NAMED.has(keyword) || (keyword === "items" && Array.isArray(node))) {
      node = (node as Record<string, unknown> | undefined)?.[segs[i]!];
      i += 1;
    }
    found = annotationOf(node) ?? found;
  }
  return found;
}

function annotationOf(node: unknown): string | null {
  const v = (node as Record<string, unknown> | null | undefined)?.[EXPECTED_KEYWORD];
  return typeof v === "string" ? v : null;
}
