// Reading a user's input file: one wording for every kind of input, so "missing", "a directory"
// and "no permission" read the same whether the file was a workload, events, a history or a plan.
import { readFileSync } from "node:fs";
import { InputError } from "../util/errors";

const REASONS: Record<string, string> = {
  EISDIR: "it is a directory, not a file",
  ENOTDIR: "a part of the path is not a directory",
  EACCES: "permission denied",
  EPERM: "permission denied",
  ENOSPC: "no space left on the device",
  EROFS: "the file system is read-only",
};

/** What went wrong with a path, in words, without the syscall names Node puts in messages. */
export function fsReason(e: unknown, missing = "no such file"): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return missing;
  return (code && REASONS[code]) ?? (e as Error).message;
}

/** The text of `path`, or an InputError `cannot read <what> <path>: <reason>`. */
export function readUserFile(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new InputError(`cannot read ${what} ${path}: ${fsReason(e)}`);
  }
}
