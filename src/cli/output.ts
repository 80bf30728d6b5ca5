// Writing results: stdout, or a file written whole (temp file + rename) so a reader never sees a
// half-written plan and a failed run leaves no file behind.
import { lstatSync, readlinkSync, renameSync, rmSync, type Stats, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fsReason } from "../load/read";
import { InputError } from "../util/errors";
import { UNLIMITED } from "../util/table";

const KINDS: [keyof Stats, string][] = [
  ["isDirectory", "a directory"],
  ["isCharacterDevice", "a device"],
  ["isBlockDevice", "a device"],
  ["isFIFO", "a FIFO"],
  ["isSocket", "a socket"],
];

/**
 * Where a file is written: a new file, or an existing regular one. Anything else (a device, a
 * directory, a FIFO) is refused: the rename below would replace it (as root, /dev/full became a
 * regular file). A symlink is written through: its target is replaced and the link stays.
 */
function fileTarget(path: string, links = 0): string {
  if (path === "") throw new InputError("expected a file path to write, found an empty one");
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return path;
    throw new InputError(`cannot write ${path}: ${fsReason(e, "no such directory")}`);
  }
  if (st.isSymbolicLink()) {
    if (links >= 40) throw new InputError(`cannot write ${path}: too many symbolic links`);
    return fileTarget(resolve(dirname(path), readlinkSync(path)), links + 1);
  }
  if (!st.isFile()) {
    const kind = KINDS.find(([test]) => (st[test] as () => boolean).call(st))?.[1] ?? "not a regular file";
    throw new InputError(`cannot write ${path}: it is ${kind}; vps writes regular files only (whole, or not at all)`);
  }
  return path;
}

export function writeFileAtomic(path: string, text: string): void {
  const target = fileTarget(path);
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new InputError(`cannot write ${path}: ${fsReason(e, "no such directory")}`);
  }
}

export function stableJson(value: unknown): string {
  return JSON.stringify(value, undefined, 2) + "\n";
}

/** JSON when asked for, or when stdout is not a terminal (piped to jq, redirected to a file). */
export function wantsJson(json: boolean | undefined, table: boolean | undefined): boolean {
  if (json) return true;
  if (table) return false;
  return !process.stdout.isTTY;
}

export interface EmitFlags {
  output?: string;
  json?: boolean;
  table?: boolean;
}

/**
 * A command's document as asked: written whole to `-o`, and printed — JSON for tools (not again
 * when `-o` took it, unless --json asks), `text()` for people.
 */
export function emitDocument(doc: unknown, flags: EmitFlags, text: () => string): void {
  if (flags.output !== undefined) writeFileAtomic(flags.output, stableJson(doc));
  if (wantsJson(flags.json, flags.table)) {
    if (flags.output === undefined || flags.json) process.stdout.write(stableJson(doc));
  } else {
    process.stdout.write(text());
  }
}

/**
 * The columns tables are fitted to: the terminal's, when stdout is one; else $COLUMNS when set (a
 * script asking for a width); else none (a file or a pipe gets whole tables).
 */
export function terminalWidth(stream: NodeJS.WriteStream = process.stdout, env: NodeJS.ProcessEnv = process.env): number {
  if (stream.isTTY && stream.columns > 0) return stream.columns;
  const asked = Number(env.COLUMNS);
  return Number.isInteger(asked) && asked > 0 ? asked : UNLIMITED;
}
