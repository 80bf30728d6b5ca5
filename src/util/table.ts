// Tables and prose for people, sized to the terminal they are read on. Pure: the width is an
// argument (the CLI reads the terminal's), so a plan printed at 80 columns is the same every time.
//
// What fitting does, in order: drop the columns a reader can best spare (each table says which,
// lowest `drop` first), then wrap the columns whose text wraps well (a reason, a list of rungs),
// then, if it still does not fit, wrap any column.
// Rows carry no rule between them: a rule per row doubled every table's height.
import chalk from "chalk";
import Table from "cli-table3";

/** No width to fit: a file or a pipe gets every column whole. */
export const UNLIMITED = Number.POSITIVE_INFINITY;

export interface Column {
  head: string;
  /** Dropped when the table does not fit, lowest first; absent: never dropped. */
  drop?: number;
  /** This column's text is wrapped (at word boundaries) when dropping was not enough. */
  wrap?: boolean;
}

export type Cell = string | number;

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

/** Columns of the terminal a string takes: colour codes take none. */
export const visibleWidth = (s: string): number => s.replace(ANSI, "").length;

const NO_ROW_RULES = { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" };
/** The narrowest a wrapped column is made; narrower, a table is better read too wide. */
const MIN_WRAP = 12;

const asColumn = (c: string | Column): Column => (typeof c === "string" ? { head: c } : c);

/** Each column's natural width, its widest line plus cli-table3's one space each side. */
function naturalWidths(columns: readonly Column[], rows: readonly Cell[][]): number[] {
  return columns.map((c, i) => {
    const cells = [c.head, ...rows.map((r) => String(r[i] ?? ""))];
    return 2 + Math.max(...cells.flatMap((s) => s.split("\n").map(visibleWidth)));
  });
}

const tableWidth = (widths: readonly number[]): number => widths.reduce((s, w) => s + w, 0) + widths.length + 1;

/** The columns kept: the spared ones dropped, lowest `drop` first, until the table fits or none is left to drop. */
function keptColumns(columns: readonly Column[], widths: readonly number[], width: number): number[] {
  const kept = columns.map((_, i) => i);
  const droppable = kept.filter((i) => columns[i]!.drop !== undefined).sort((a, b) => columns[a]!.drop! - columns[b]!.drop! || b - a);
  for (const i of droppable) {
    if (tableWidth(kept.map((k) => widths[k]!)) <= width) break;
    kept.splice(kept.indexOf(i), 1);
  }
  return kept;
}

/** Narrows the wrapped columns, the widest first, until the table fits or each is at MIN_WRAP. */
function narrowWrapped(widths: number[], wrapped: readonly number[], width: number): boolean {
  let narrowed = false;
  while (tableWidth(widths) > width) {
    const widest = wrapped.filter((i) => widths[i]! > MIN_WRAP).sort((a, b) => widths[b]! - widths[a]! || a - b)[0];
    if (widest === undefined) break;
    widths[widest]!--;
    narrowed = true;
  }
  return narrowed;
}

/** A table fitted to `width` columns of terminal (UNLIMITED: as wide as its content). */
export function renderTable(spec: readonly (string | Column)[], rows: readonly Cell[][], width: number): string {
  const columns = spec.map(asColumn);
  const natural = naturalWidths(columns, rows);
  const kept = keptColumns(columns, natural, width);
  const widths = kept.map((i) => natural[i]!);
  const wrapped = kept.flatMap((i, k) => (columns[i]!.wrap === true ? [k] : []));
  // Last resort, when the prose columns are at their narrowest: every column wraps (a long heading
  // over two lines reads better than a table torn by the terminal).
  const prose = narrowWrapped(widths, wrapped, width);
  const wrapping = narrowWrapped(widths, kept.map((_, k) => k), width) || prose;
  const headless = columns.every((c) => c.head === "");
  const t = new Table({
    head: headless ? [] : kept.map((i) => chalk.bold(columns[i]!.head)),
    style: { head: [], border: [] },
    chars: NO_ROW_RULES,
    ...(wrapping ? { colWidths: widths, wordWrap: true, wrapOnWordBoundary: true } : {}),
  });
  for (const r of rows) t.push(kept.map((i) => r[i] ?? ""));
  const left = columns.filter((_, i) => !kept.includes(i)).map((c) => c.head);
  const note = left.length > 0 ? `\n${chalk.dim(wrapText(`(left out to fit ${width} columns: ${left.join(", ")}; --json has everything)`, width))}` : "";
  return t.toString() + note;
}

/**
 * Prose wrapped at spaces to `width` columns (colour codes not counted); a longer word stays whole.
 * A line's leading spaces and bullet ("  - ") indent its continuation lines, so lists stay lists.
 */
export function wrapText(text: string, width: number): string {
  if (!Number.isFinite(width)) return text;
  return text
    .split("\n")
    .map((line) => {
      const lead = /^ *(- )?/.exec(line)![0];
      const hang = " ".repeat(lead.length);
      const out: string[] = [];
      let cur = lead;
      for (const word of line.slice(lead.length).split(" ")) {
        if (cur.trim() !== "" && visibleWidth(cur) + 1 + visibleWidth(word) > width) {
          out.push(cur);
          cur = hang + word;
        } else cur = cur.trim() === "" ? cur + word : `${cur} ${word}`;
      }
      out.push(cur);
      return out.join("\n");
    })
    .join("\n");
}
