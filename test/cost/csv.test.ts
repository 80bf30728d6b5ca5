// The CSV reader under the history loader: quoting, line ends, the line each record starts on and
// where each field starts.
import { describe, expect, test } from "vitest";
import { parseCsv } from "../../src/cost/csv";

describe("parseCsv", () => {
  test("plain records carry the line they start on; blank lines are not records", () => {
    const { records, unterminatedAt } = parseCsv("a,b\n1,2\n\n3,4\n");
    expect(records.map(({ line, fields }) => ({ line, fields }))).toEqual([
      { line: 1, fields: ["a", "b"] },
      { line: 2, fields: ["1", "2"] },
      { line: 4, fields: ["3", "4"] },
    ]);
    expect(records[2]!.starts).toEqual([{ line: 4, col: 1 }, { line: 4, col: 3 }]);
    expect(unterminatedAt).toBeNull();
  });

  test("quoted fields hold commas, doubled quotes and line breaks; later lines keep counting", () => {
    const { records } = parseCsv('id,name\r\n1,"a, ""b""\nc"\r\n2,x\r\n');
    expect(records).toEqual([
      { line: 1, fields: ["id", "name"], starts: [{ line: 1, col: 1 }, { line: 1, col: 4 }] },
      { line: 2, fields: ["1", 'a, "b"\nc'], starts: [{ line: 2, col: 1 }, { line: 2, col: 3 }] },
      { line: 4, fields: ["2", "x"], starts: [{ line: 4, col: 1 }, { line: 4, col: 3 }] },
    ]);
  });

  test("a BOM is dropped, empty fields are kept, a last line without a newline counts", () => {
    expect(parseCsv("\uFEFFa,,c").records).toEqual([{ line: 1, fields: ["a", "", "c"], starts: [1, 3, 4].map((col) => ({ line: 1, col })) }]);
  });

  test("a quote that never closes is reported at the line it opens", () => {
    const { records, unterminatedAt } = parseCsv('a,b\n1,"open\n2,3\n');
    expect(unterminatedAt).toBe(2);
    expect(records[1]).toEqual({ line: 2, fields: ["1", "open\n2,3\n"], starts: [{ line: 2, col: 1 }, { line: 2, col: 3 }] });
  });

  test("a field after a quoted line break starts on the later line", () => {
    expect(parseCsv('a,"x\ny",b\n').records[0]!.starts).toEqual([{ line: 1, col: 1 }, { line: 1, col: 3 }, { line: 2, col: 4 }]);
  });

  test("text after a closing quote stays part of the field; a lone CR ends a line", () => {
    expect(parseCsv('"a"b,c\rd,e').records).toEqual([
      { line: 1, fields: ["ab", "c"], starts: [{ line: 1, col: 1 }, { line: 1, col: 6 }] },
      { line: 2, fields: ["d", "e"], starts: [{ line: 2, col: 1 }, { line: 2, col: 3 }] },
    ]);
  });
});
