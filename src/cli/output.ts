// Writing results: stdout, or a file written whole (temp file + rename) so a reader never sees a
// half-written plan and a failed run leaves no file behind.
import { renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { InputError } from "../util/errors";

/** What went wrong with a path, in words, without the temp file or syscall names Node puts in messages. */
export function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  const reasons: Record<string, string> = {
    ENOENT: "no such file or directory",
    EISDIR: "it is a directory, not a file",
    ENOTDIR: "a part of the path is not a directory",
    EACCES: "permission denied",
    EPERM: "permission denied",
    ENOSPC: "no space left on the device",
    EROFS: "the file system is read-only",
  };
  return (code && reasons[code]) ?? (e as Error).message;
}

export function writeFileAtomic(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new InputError(`cannot write ${path}: ${fsReason(e)}`);
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
