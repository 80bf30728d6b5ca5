// Writing results: stdout, or a file written whole (temp file + rename) so a reader never sees a
// half-written plan and a failed run leaves no file behind.
import { renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fsReason } from "../load/read";
import { InputError } from "../util/errors";

export function writeFileAtomic(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
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
  if (flags.output) writeFileAtomic(flags.output, stableJson(doc));
  if (wantsJson(flags.json, flags.table)) {
    if (!flags.output || flags.json) process.stdout.write(stableJson(doc));
  } else {
    process.stdout.write(text());
  }
}
