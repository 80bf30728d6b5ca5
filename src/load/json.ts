// JSON inputs (plans for `vps verify`, cost models, rate–quality models) get the same
// `file:line:col path: expected …, found …` problems as YAML ones. JSON.parse decides what is
// JSON (strict, fast on a plan of megabytes); positions come from the JSON.parse error offset for
// a syntax error, and from yaml's parse of the same text (JSON is YAML) for a schema problem —
// done only then, so a good file is parsed once.
import { LineCounter, parseDocument } from "yaml";
import { InputError, type Problem } from "../util/errors";
import { schemaAccepts, validateSchema, type YamlSource } from "./yaml";
import { MAX_DEPTH } from "./yamlTree";

export interface JsonText {
  file: string;
  data: unknown;
  /** The text parsed again with positions (cached): for placing problems. */
  source: () => YamlSource;
}

/** Parses JSON text (a leading byte-order mark allowed); a syntax error or deep nesting is an InputError at its line and column. */
export function parseJson(file: string, raw: string, what: string): JsonText {
  const text = raw.startsWith("\uFEFF") ? raw.slice(1) : raw;
  const deep = tooDeepAt(text);
  if (deep !== null) fail(file, what, text, deep, `expected at most ${MAX_DEPTH} levels of nested arrays and objects, found deeper nesting`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const offset = errorOffset(text, (e as Error).message);
    fail(file, what, text, offset, syntaxMessage(text, offset, (e as Error).message));
  }
  let source: YamlSource | null = null;
  const sourceOf = (): YamlSource => {
    if (source === null) {
      const lineCounter = new LineCounter();
      source = { file, text, doc: parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false }), lineCounter };
    }
    return source;
  };
  return { file, data, source: sourceOf };
}

/** The schema's problems with the data, each at its place in the file; none when it fits. */
export function jsonSchemaProblems(json: JsonText, schema: object): Problem[] {
  return schemaAccepts(json.data, schema) ? [] : validateSchema(json.source(), json.data, schema);
}

function fail(file: string, what: string, text: string, offset: number, message: string): never {
  const { line, col } = lineCol(text, offset);
  throw new InputError(`${file}: invalid ${what}`, [{ pos: { file, line, col, path: "(json)" }, message }]);
}

function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, col: offset - start + 1 };
}

/** Where brackets first nest deeper than MAX_DEPTH (outside strings), or null: checked before anything recurses. */
function tooDeepAt(text: string): number | null {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_DEPTH) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return null;
}

const END = "Unexpected end of JSON input";

/**
 * The offset JSON.parse stopped at. V8 names it ("… in JSON at position 12") except for an
 * unexpected token; then it is the length of the longest prefix that is still the start of some
 * JSON text (a prefix of a prefix is one too, so a binary search finds it).
 */
function errorOffset(text: string, message: string): number {
  const at = / at position (\d+)/.exec(message);
  if (at) return Math.min(Number(at[1]), text.length);
  if (message.startsWith(END)) return text.length;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (startsJson(text.slice(0, mid))) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function startsJson(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return true;
  } catch (e) {
    const message = (e as Error).message;
    const at = / at position (\d+)/.exec(message);
    return message.startsWith(END) || (at !== null && Number(at[1]) >= prefix.length);
  }
}

/** "expected double-quoted property name, found "}"": V8's own expectation when it has one. */
function syntaxMessage(text: string, offset: number, v8: string): string {
  const found = offset >= text.length ? "the end of the file" : JSON.stringify(String.fromCodePoint(text.codePointAt(offset)!));
  const expectation = /^Expected (.*?) in JSON at position/.exec(v8)?.[1];
  if (expectation !== undefined) return `expected ${expectation}, found ${found}`;
  if (/^Unexpected non-whitespace character after JSON/.test(v8)) return `expected nothing after the JSON value, found ${found}`;
  if (/^Unterminated string/.test(v8)) return "expected a closing quote of the string, found the end of the file";
  return `expected valid JSON, found ${found}`;
}
