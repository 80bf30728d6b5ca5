// The history of observed runs that `vps calibrate` fits: CSV with a header row, or NDJSON (one
// JSON object per line), one row per run. Columns (any order; names match case-insensitively,
// `source_width` = `sourceWidth`):
//
//   video         id of the source video/title (cross-validation holds out whole videos)
//   codec preset  output codec (h264, hevc, av1, vp9, or any other name) and encoder preset
//   width height fps                     output frame size and rate
//   sourceWidth sourceHeight [sourceFps] the source's (sourceFps defaults to fps)
//   duration      seconds of video the run processed
//   bitDepth      8, 10, 12
//   [complexity]  0..1, default 0.5      [contentClass] default generic
//   [slots]       cores the run used, default 1
//   seconds       measured wall seconds
//
// A malformed row is skipped and reported at its value (`history.csv:17:23 fps: expected a number
// for fps, found "abc"`); unknown columns are ignored with one warning naming them; a file with no
// usable row is an InputError. Arbitrary text never makes the loader throw anything else.
import { readUserFile } from "../load/read";
import { formatProblem, InputError, type Problem } from "../util/errors";
import { type CsvRecord, parseCsv } from "./csv";
import { COLUMNS, COLUMN_BY_KEY, type ColumnName, type FieldProblem, type HistoryRow, normaliseKey, readRow } from "./historyFields";

export type { HistoryRow } from "./historyFields";

export interface History {
  file: string;
  rows: HistoryRow[];
  /** One line per problem of a rejected row: `file:line:col column: message`. */
  problems: string[];
  /** The same problems, for an InputError. */
  placed: Problem[];
  /** Things the loader ignored on purpose (unknown columns). */
  warnings: string[];
}

export type HistoryFormat = "csv" | "ndjson";

/** By extension first; otherwise NDJSON when the first non-blank character opens an object. */
export function detectFormat(file: string, text: string): HistoryFormat {
  const ext = file.toLowerCase().match(/\.([a-z]+)$/)?.[1];
  if (ext === "csv") return "csv";
  if (ext === "ndjson" || ext === "jsonl" || ext === "json") return "ndjson";
  return text.trimStart().startsWith("{") ? "ndjson" : "csv";
}

const REQUIRED = COLUMNS.filter((c) => !c.fallback).map((c) => c.name);

function unknownWarning(file: string, unknown: Iterable<string>): string[] {
  const names = [...new Set(unknown)].sort();
  if (names.length === 0) return [];
  return [`${file}: ignoring unknown column${names.length === 1 ? "" : "s"} ${names.join(", ")} (known: ${COLUMNS.map((c) => c.name).join(", ")})`];
}

function fieldAt(file: string, rec: CsvRecord, i: number, path: string): Problem["pos"] {
  const start = rec.starts[i] ?? { line: rec.line, col: 1 };
  return { file, line: start.line, col: start.col, path };
}

/** Maps a header to the columns it names; throws for a header no row could satisfy. */
function csvHeader(file: string, header: CsvRecord): { at: (ColumnName | null)[]; unknown: string[] } {
  const names = header.fields;
  const at = names.map((n) => COLUMN_BY_KEY.get(normaliseKey(n))?.name ?? null);
  const twice = at.findIndex((c, i) => c !== null && at.indexOf(c) !== i);
  if (twice >= 0) {
    const message = `expected each column once in the header, found ${at[twice]} again`;
    throw new InputError(`${file}: invalid history header`, [{ pos: fieldAt(file, header, twice, at[twice]!), message }]);
  }
  const missing = REQUIRED.filter((c) => !at.includes(c));
  if (missing.length > 0) {
    const message = `expected the header to name column${missing.length === 1 ? "" : "s"} ${missing.join(", ")}, found ${JSON.stringify(names.join(",").slice(0, 120))}`;
    throw new InputError(`${file}: invalid history header`, [{ pos: fieldAt(file, header, 0, "(header)"), message }]);
  }
  return { at, unknown: names.filter((_, i) => at[i] === null && names[i]!.trim() !== "") };
}

function parseCsvHistory(file: string, text: string): History {
  const { records, unterminatedAt } = parseCsv(text);
  const out: History = { file, rows: [], problems: [], placed: [], warnings: [] };
  const header = records[0];
  if (!header) return out;
  const { at, unknown } = csvHeader(file, header);
  out.warnings.push(...unknownWarning(file, unknown));
  for (const rec of records.slice(1)) {
    if (rec.line === unterminatedAt) {
      // The quote that never closes opens the record's last field.
      reject(out, { pos: fieldAt(file, rec, rec.fields.length - 1, "(row)"), message: "expected the quoted field opened here to close, found the end of the file" });
      continue;
    }
    if (rec.fields.length !== at.length) {
      reject(out, { pos: fieldAt(file, rec, 0, "(row)"), message: `expected ${at.length} fields (as in the header), found ${rec.fields.length}` });
      continue;
    }
    const values = new Map<ColumnName, unknown>();
    at.forEach((c, i) => c && values.set(c, rec.fields[i]));
    addRow(out, readRow(values, rec.line), (column) => fieldAt(file, rec, at.indexOf(column), column));
  }
  return out;
}

function reject(out: History, p: Problem): void {
  out.placed.push(p);
  out.problems.push(formatProblem(p));
}

function addRow(out: History, row: HistoryRow | FieldProblem[], place: (column: ColumnName) => Problem["pos"]): void {
  if (Array.isArray(row)) for (const p of row) reject(out, { pos: place(p.column), message: p.message });
  else out.rows.push(row);
}

function jsonObject(raw: string): Record<string, unknown> | null {
  try {
    const data: unknown = JSON.parse(raw);
    return typeof data === "object" && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function readLine(out: History, line: number, raw: string, unknown: Set<string>): void {
  const data = jsonObject(raw);
  if (!data) {
    reject(out, { pos: { file: out.file, line, col: 1, path: "(line)" }, message: `expected one JSON object per line, found ${JSON.stringify(raw.trim().slice(0, 40))}` });
    return;
  }
  const values = new Map<ColumnName, unknown>();
  const written = new Map<ColumnName, string>();
  for (const [k, v] of Object.entries(data)) {
    const c = COLUMN_BY_KEY.get(normaliseKey(k));
    if (c) values.set(c.name, v);
    if (c) written.set(c.name, k);
    else unknown.add(k);
  }
  // At the key as written (a missing one at the line's start): the first place its quoted name appears.
  const colOf = (column: ColumnName) => {
    const key = written.get(column);
    return key === undefined ? 1 : Math.max(1, raw.indexOf(JSON.stringify(key)) + 1);
  };
  addRow(out, readRow(values, line), (column) => ({ file: out.file, line, col: colOf(column), path: column }));
}

function parseNdjsonHistory(file: string, text: string): History {
  const out: History = { file, rows: [], problems: [], placed: [], warnings: [] };
  const unknown = new Set<string>();
  text.split(/\r\n|\n|\r/).forEach((raw, i) => {
    if (raw.trim() !== "") readLine(out, i + 1, raw, unknown);
  });
  out.warnings.push(...unknownWarning(file, unknown));
  return out;
}

/** Parses a history; throws InputError (every problem, one per line) when no row is usable. */
export function parseHistory(file: string, text: string): History {
  const h = detectFormat(file, text) === "csv" ? parseCsvHistory(file, text) : parseNdjsonHistory(file, text);
  if (h.rows.length > 0) return h;
  const why = h.problems.length === 0 ? "the file has no rows" : `every row was rejected (${h.problems.length} problem${h.problems.length === 1 ? "" : "s"})`;
  const more = h.placed.length > 50 ? [`${file}: … and ${h.placed.length - 50} more`] : [];
  const summary = `${file}: no usable runs in the history: ${why}`;
  const none: Problem = { pos: { file, line: 1, col: 1, path: "(file)" }, message: "expected at least one run (a CSV row after the header, or a JSON line), found none" };
  throw new InputError(summary, h.placed.length === 0 ? [none] : h.placed.slice(0, 50)).withLines([...more, summary]);
}

export function loadHistoryFile(path: string): History {
  return parseHistory(path, readUserFile(path, "history"));
}
