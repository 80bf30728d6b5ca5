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
// A malformed row is skipped and reported with its line (`history.csv:17: expected a number for
// fps, found "abc"`); unknown columns are ignored with one warning naming them; a file with no
// usable row is an InputError. Arbitrary text never makes the loader throw anything else.
import { readUserFile } from "../load/read";
import { InputError } from "../util/errors";
import { parseCsv } from "./csv";
import { COLUMNS, COLUMN_BY_KEY, type ColumnName, type HistoryRow, normaliseKey, readRow } from "./historyFields";

export type { HistoryRow } from "./historyFields";

export interface History {
  file: string;
  rows: HistoryRow[];
  /** One line per rejected row or problem: `file:line: message`. */
  problems: string[];
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

/** Maps a header to the columns it names; throws for a header no row could satisfy. */
function csvHeader(file: string, line: number, names: string[]): { at: (ColumnName | null)[]; unknown: string[] } {
  const at = names.map((n) => COLUMN_BY_KEY.get(normaliseKey(n))?.name ?? null);
  const twice = at.filter((c, i) => c !== null && at.indexOf(c) !== i);
  if (twice.length > 0) throw new InputError(`${file}:${line}: column ${twice[0]} appears twice in the header`);
  const missing = REQUIRED.filter((c) => !at.includes(c));
  if (missing.length > 0) {
    throw new InputError(`${file}:${line}: expected the header to name column${missing.length === 1 ? "" : "s"} ${missing.join(", ")}, found ${JSON.stringify(names.join(",").slice(0, 120))}`);
  }
  return { at, unknown: names.filter((_, i) => at[i] === null && names[i]!.trim() !== "") };
}

function parseCsvHistory(file: string, text: string): History {
  const { records, unterminatedAt } = parseCsv(text);
  const out: History = { file, rows: [], problems: [], warnings: [] };
  const header = records[0];
  if (!header) return out;
  const { at, unknown } = csvHeader(file, header.line, header.fields);
  out.warnings.push(...unknownWarning(file, unknown));
  for (const rec of records.slice(1)) {
    if (rec.line === unterminatedAt) {
      out.problems.push(`${file}:${rec.line}: a quoted field opens in this row and never closes`);
      continue;
    }
    if (rec.fields.length !== at.length) {
      out.problems.push(`${file}:${rec.line}: expected ${at.length} fields (as in the header), found ${rec.fields.length}`);
      continue;
    }
    const values = new Map<ColumnName, unknown>();
    at.forEach((c, i) => c && values.set(c, rec.fields[i]));
    addRow(out, rec.line, readRow(values, rec.line));
  }
  return out;
}

function addRow(out: History, line: number, row: HistoryRow | string[]): void {
  if (Array.isArray(row)) out.problems.push(...row.map((p) => `${out.file}:${line}: ${p}`));
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
    out.problems.push(`${out.file}:${line}: expected one JSON object per line, found ${JSON.stringify(raw.trim().slice(0, 40))}`);
    return;
  }
  const values = new Map<ColumnName, unknown>();
  for (const [k, v] of Object.entries(data)) {
    const c = COLUMN_BY_KEY.get(normaliseKey(k));
    if (c) values.set(c.name, v);
    else unknown.add(k);
  }
  addRow(out, line, readRow(values, line));
}

function parseNdjsonHistory(file: string, text: string): History {
  const out: History = { file, rows: [], problems: [], warnings: [] };
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
  const lines = [...h.problems.slice(0, 50), ...(h.problems.length > 50 ? [`${file}: … and ${h.problems.length - 50} more`] : [])];
  throw new InputError(`${file}: no usable runs in the history: ${why}`).withLines([...lines, `${file}: no usable runs in the history: ${why}`]);
}

export function loadHistoryFile(path: string): History {
  return parseHistory(path, readUserFile(path, "history"));
}
