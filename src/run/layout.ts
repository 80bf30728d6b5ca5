// Where a real run keeps its files, under the output directory (`--out-dir`, default `out`):
//   .work/<title>/…           every task writes here first (mezzanine, renditions, chunks, the package)
//   published/<title>/        a title appears here whole, by one rename, after every check passed
//   .vps/journal.ndjson       each task's start, end and failure, fsync'd before the next decision
//   .vps/lock                 the pid of the run that owns the directory
//   run.json                  the run report: the plan contract with what really happened
//   history.csv               what every encode really took, in `vps calibrate`'s format
// Outputs are written under a temporary name beside their final one and renamed only after their
// check, so a killed ffmpeg never leaves a half-written file at a final name.
import { stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";

/** Whether anything is at `path` (a file, a folder, a link to one). */
export const exists = (path: string): Promise<boolean> => stat(path).then(
  () => true,
  () => false,
);

export interface RunLayout {
  out: string;
  work: string;
  published: string;
  state: string;
  journal: string;
  lock: string;
  report: string;
  history: string;
}

export function runLayout(outDir: string): RunLayout {
  const out = resolve(outDir);
  const state = join(out, ".vps");
  return {
    out,
    work: join(out, ".work"),
    published: join(out, "published"),
    state,
    journal: join(state, "journal.ndjson"),
    lock: join(state, "lock"),
    report: join(out, "run.json"),
    history: join(out, "history.csv"),
  };
}

/**
 * Marks a temporary output: `720p.mp4` is written as `.720p.mp4.partial` (ffmpeg is told the
 * format), or `.720p.mp4.<tag>.partial` where each try needs its own (a farm, where a lost try
 * may still be writing). removePartials clears both.
 */
export const PARTIAL_SUFFIX = ".partial";

export function partialPath(final: string, tag?: string): string {
  return join(dirname(final), `.${basename(final)}${tag === undefined ? "" : `.${tag}`}${PARTIAL_SUFFIX}`);
}

/** Where a title's package is assembled before it is published. */
export function stagingDir(layout: RunLayout, title: string): string {
  return join(layout.work, title, "package");
}

export function publishedDir(layout: RunLayout, title: string): string {
  return join(layout.published, title);
}
