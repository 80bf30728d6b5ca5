// A small RFC 4180 CSV reader (no CSV package is among the project's dependencies): quoted fields
// may hold commas, doubled quotes and line breaks; LF or CRLF line ends; a leading BOM is dropped.
// Each record keeps the line it starts on and where each field starts, so a bad value can be
// reported as `file:17:23 fps: …`.

export interface CsvRecord {
  /** 1-based line of the file where the record starts. */
  line: number;
  fields: string[];
  /** Where each field starts (1-based line and column; a quoted field's line break moves later fields down). */
  starts: { line: number; col: number }[];
}

export interface CsvText {
  records: CsvRecord[];
  /** Line where a quoted field opens and never closes (the rest of the file is that field), or null. */
  unterminatedAt: number | null;
}

interface Cursor {
  text: string;
  i: number;
  line: number;
  /** Offset of the first character of the current line. */
  lineStart: number;
}

/** Reads a quoted field from just after its opening quote; false when the file ends inside it. */
function readQuoted(c: Cursor, out: string[]): boolean {
  let value = "";
  for (;;) {
    const q = c.text.indexOf('"', c.i);
    const chunk = c.text.slice(c.i, q < 0 ? undefined : q);
    for (let k = chunk.indexOf("\n"); k >= 0; k = chunk.indexOf("\n", k + 1)) {
      c.line++;
      c.lineStart = c.i + k + 1;
    }
    value += chunk;
    if (q < 0) {
      c.i = c.text.length;
      out.push(value);
      return false;
    }
    if (c.text[q + 1] === '"') {
      value += '"';
      c.i = q + 2;
      continue;
    }
    c.i = q + 1;
    out.push(value);
    return true;
  }
}

/** Reads an unquoted field up to the next comma or line end (a stray quote inside is kept as text). */
function readPlain(c: Cursor, out: string[]): void {
  let j = c.i;
  while (j < c.text.length && c.text[j] !== "," && c.text[j] !== "\n" && c.text[j] !== "\r") j++;
  out.push(c.text.slice(c.i, j));
  c.i = j;
}

/** One record from the cursor; leaves the cursor after its line end. */
function readRecord(c: Cursor): { fields: string[]; starts: CsvRecord["starts"]; closed: boolean } {
  const fields: string[] = [];
  const starts: CsvRecord["starts"] = [];
  let closed = true;
  for (;;) {
    starts.push({ line: c.line, col: c.i - c.lineStart + 1 });
    if (c.text[c.i] === '"') {
      c.i++;
      closed = readQuoted(c, fields);
      // Text between a closing quote and the next comma (`"a"b,`) is kept, as most readers do.
      if (closed && c.text[c.i] !== "," && c.text[c.i] !== "\n" && c.text[c.i] !== "\r" && c.i < c.text.length) {
        const rest: string[] = [];
        readPlain(c, rest);
        fields[fields.length - 1] += rest[0] ?? "";
      }
    } else readPlain(c, fields);
    if (c.text[c.i] === ",") {
      c.i++;
      continue;
    }
    if (c.text[c.i] === "\r") c.i++;
    if (c.text[c.i] === "\n") c.i++;
    c.line++;
    c.lineStart = c.i;
    return { fields, starts, closed };
  }
}

export function parseCsv(text: string): CsvText {
  const c: Cursor = { text: text.startsWith("\uFEFF") ? text.slice(1) : text, i: 0, line: 1, lineStart: 0 };
  const records: CsvRecord[] = [];
  let unterminatedAt: number | null = null;
  while (c.i < c.text.length) {
    const line = c.line;
    const { fields, starts, closed } = readRecord(c);
    if (!closed) unterminatedAt = line;
    // Blank lines (often a trailing newline, or spacing a user added) are not rows.
    if (fields.length === 1 && fields[0]!.trim() === "") continue;
    records.push({ line, fields, starts });
  }
  return { records, unterminatedAt };
}
