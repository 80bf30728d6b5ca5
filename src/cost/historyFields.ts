// The columns of a history of observed runs, and how each written value becomes a number or a
// name. Every reader returns the value or a message "expected …, found …"; none throws.
import { CONTENT_CLASSES, type ContentClass } from "../model";

export interface HistoryRow {
  /** Line of the input where the row was written (for messages). */
  line: number;
  /** Groups runs of one source video (or title): cross-validation holds out whole videos. */
  video: string;
  codec: string;
  preset: string;
  /** Output frame size and rate. */
  width: number;
  height: number;
  fps: number;
  sourceWidth: number;
  sourceHeight: number;
  sourceFps: number;
  /** Seconds of video the run processed. */
  duration: number;
  bitDepth: number;
  complexity: number;
  contentClass: ContentClass;
  /** Slots (threads, cores) the run had; its work is converted to one-slot seconds with the speedup curve. */
  slots: number;
  /** Measured wall seconds. */
  seconds: number;
}

export type ColumnName = Exclude<keyof HistoryRow, "line">;

type Reader = (raw: unknown, column: string) => string | number | { problem: string };

const found = (raw: unknown): string => {
  if (raw === undefined || raw === null || (typeof raw === "string" && raw.trim() === "")) return "nothing";
  const text = typeof raw === "string" ? raw : JSON.stringify(raw) ?? String(raw);
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
};

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function asNumber(raw: unknown): number | null {
  if (typeof raw === "number") return Number.isFinite(raw) ? raw : null;
  if (typeof raw !== "string" || !DECIMAL.test(raw.trim())) return null;
  const n = Number(raw.trim());
  return Number.isFinite(n) ? n : null;
}

/** A number in (0, max]; bounds keep logs and products finite whatever a file holds. */
function positive(max: number, integer: boolean): Reader {
  const what = integer ? "a whole number from 1" : "a number above 0";
  return (raw, column) => {
    const n = asNumber(raw);
    if (n === null) return { problem: `expected a number for ${column}, found ${found(raw)}` };
    if (n <= 0 || n > max || (integer && !Number.isInteger(n))) return { problem: `expected ${what} to ${max} for ${column}, found ${found(raw)}` };
    return n;
  };
}

const unit: Reader = (raw, column) => {
  const n = asNumber(raw);
  if (n === null) return { problem: `expected a number for ${column}, found ${found(raw)}` };
  if (n < 0 || n > 1) return { problem: `expected a number from 0 to 1 for ${column}, found ${found(raw)}` };
  return n;
};

function text(pattern: RegExp, what: string, lower: boolean): Reader {
  return (raw, column) => {
    const s = typeof raw === "number" && Number.isFinite(raw) ? String(raw) : typeof raw === "string" ? raw.trim() : null;
    if (s === null || !pattern.test(s)) return { problem: `expected ${what} for ${column}, found ${found(raw)}` };
    return lower ? s.toLowerCase() : s;
  };
}

const contentClass: Reader = (raw, column) => {
  const s = typeof raw === "string" ? raw.trim() : null;
  if (s === null || !(CONTENT_CLASSES as readonly string[]).includes(s)) {
    return { problem: `expected one of ${CONTENT_CLASSES.join(", ")} for ${column}, found ${found(raw)}` };
  }
  return s;
};

export interface Column {
  name: ColumnName;
  read: Reader;
  /** Value when the column is absent or empty; undefined = required. */
  fallback?: (row: Partial<HistoryRow>) => string | number;
  doc: string;
}

const MAX_SIDE = 65_536;

/** The documented history format, in the order a CSV header usually lists it. */
export const COLUMNS: readonly Column[] = [
  { name: "video", read: text(/^.{1,200}$/, "a video or title id", false), doc: "id of the source video or title the run belongs to" },
  { name: "codec", read: text(/^[A-Za-z][A-Za-z0-9_.-]{0,31}$/, "a codec name (h264, hevc, av1, vp9, …)", true), doc: "output codec" },
  { name: "preset", read: text(/^[A-Za-z0-9_.+-]{1,32}$/, "an encoder preset (medium, 6, …)", false), doc: "encoder preset" },
  { name: "width", read: positive(MAX_SIDE, true), doc: "output width, pixels" },
  { name: "height", read: positive(MAX_SIDE, true), doc: "output height, pixels" },
  { name: "fps", read: positive(1000, false), doc: "output frame rate" },
  { name: "sourceWidth", read: positive(MAX_SIDE, true), doc: "source width, pixels" },
  { name: "sourceHeight", read: positive(MAX_SIDE, true), doc: "source height, pixels" },
  { name: "sourceFps", read: positive(1000, false), fallback: (r) => r.fps ?? 0, doc: "source frame rate (default: fps)" },
  { name: "duration", read: positive(1e7, false), doc: "seconds of video processed" },
  { name: "bitDepth", read: positive(16, true), doc: "bits per sample (8, 10, 12)" },
  { name: "complexity", read: unit, fallback: () => 0.5, doc: "content complexity 0..1 (default 0.5)" },
  { name: "contentClass", read: contentClass, fallback: () => "generic", doc: `one of ${CONTENT_CLASSES.join(", ")} (default generic)` },
  { name: "slots", read: positive(4096, true), fallback: () => 1, doc: "slots (cores) the run used (default 1)" },
  { name: "seconds", read: positive(1e9, false), doc: "measured wall seconds" },
];

/** Written names match case-insensitively and without `_`, `-` or spaces: `source_width` is `sourceWidth`. */
export const normaliseKey = (key: string): string => key.toLowerCase().replace(/[\s_-]/g, "");

export const COLUMN_BY_KEY: ReadonlyMap<string, Column> = new Map(COLUMNS.map((c) => [normaliseKey(c.name), c]));

const isBlank = (raw: unknown): boolean => raw === undefined || raw === null || (typeof raw === "string" && raw.trim() === "");

/** A bad value of a row: its column and what is wrong with it. */
export interface FieldProblem {
  column: ColumnName;
  message: string;
}

/** One row from its written values (keyed by column name); the problems instead when any value is bad. */
export function readRow(values: ReadonlyMap<ColumnName, unknown>, line: number): HistoryRow | FieldProblem[] {
  const row: Record<string, unknown> = { line };
  const problems: FieldProblem[] = [];
  for (const c of COLUMNS) {
    const raw = values.get(c.name);
    if (isBlank(raw) && c.fallback) {
      row[c.name] = c.fallback(row as Partial<HistoryRow>);
      continue;
    }
    const v = c.read(raw, c.name);
    if (typeof v === "object") problems.push({ column: c.name, message: v.problem });
    else row[c.name] = v;
  }
  return problems.length > 0 ? problems : (row as unknown as HistoryRow);
}
