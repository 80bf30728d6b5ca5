// Progress of a long command on stderr, for a person at a terminal: one line redrawn in place
// (cli-progress), cut at the terminal's width so it never wraps or stacks, gone when the command
// is done. Nothing on a pipe or a file: there a progress line is only noise in someone's log.
import { SingleBar } from "cli-progress";
import type { ToolRunner } from "../util/proc/runner";
import { formatDuration } from "../util/time";

export interface StepProgress {
  /** One more of the total is done. */
  step(): void;
  /** What runs now (the line's tail). */
  detail(text: string): void;
  /** A line that stays (above the progress line on a terminal; as it is elsewhere). */
  log(line: string): void;
  stop(): void;
}

const silent = (stream: NodeJS.WriteStream): StepProgress => ({
  step: () => undefined,
  detail: () => undefined,
  log: (line) => stream.write(`${line}\n`),
  stop: () => undefined,
});

/** Seconds left if what is left goes at the pace of what is done (`done` > 0). */
export const etaSeconds = (elapsed: number, done: number, total: number): number => (elapsed * (total - done)) / done;

/** "label ████░░░░ 2/5 files · 41s · ETA 1m02s · detail"; no ETA until a step has set a pace. */
export function progressText(label: string, unit: string, p: { value: number; total: number; progress: number }, elapsedSeconds: number, detail: string): string {
  const width = 16;
  const filled = Math.round(Math.min(1, Math.max(0, p.progress)) * width);
  const eta = p.value > 0 ? ` · ETA ${formatDuration(etaSeconds(elapsedSeconds, p.value, p.total))}` : "";
  return `${label} ${"█".repeat(filled)}${"░".repeat(width - filled)} ${p.value}/${p.total} ${unit} · ${formatDuration(elapsedSeconds)}${eta}${detail === "" ? "" : ` · ${detail}`}`;
}

/**
 * The progress line on `stream` when it is a terminal; a no-op otherwise. The ETA assumes the
 * steps left take as long as those done, which is what a person would guess too.
 */
export function stepProgress(label: string, total: number, unit: string, stream: NodeJS.WriteStream = process.stderr): StepProgress {
  if (!stream.isTTY || total <= 0) return silent(stream);
  const started = performance.now();
  const bar = new SingleBar({
    stream,
    // Cut here as well as by cli-progress's no-wrap mode, which not every terminal honours.
    format: (_options, params, payload: { detail: string }) => progressText(label, unit, params, (performance.now() - started) / 1000, payload.detail).slice(0, Math.max(1, (stream.columns || 80) - 1)),
    hideCursor: true,
    clearOnComplete: true,
    linewrap: false,
    fps: 4,
  });
  let done = 0;
  bar.start(total, 0, { detail: "" });
  return {
    step: () => bar.update(++done),
    detail: (text) => bar.update(done, { detail: text }),
    log: (line) => {
      stream.write(`\r\x1b[2K${line}\n`);
      bar.render();
    },
    stop: () => bar.stop(),
  };
}

/**
 * `tools` with every run shown as the progress line's detail: which tools run now and how many
 * runs have finished, so a minute inside one file still shows that work goes on.
 */
export function showingTools(tools: ToolRunner, progress: StepProgress): ToolRunner {
  const running = new Map<string, number>();
  let finished = 0;
  const show = () => {
    const now = [...running].map(([cmd, n]) => (n > 1 ? `${cmd} ×${n}` : cmd)).join(", ");
    progress.detail(`${finished} runs done${now === "" ? "" : `, ${now} running`}`);
  };
  return async (cmd, args, req) => {
    running.set(cmd, (running.get(cmd) ?? 0) + 1);
    show();
    try {
      return await tools(cmd, args, req);
    } finally {
      const n = running.get(cmd)! - 1;
      if (n === 0) running.delete(cmd);
      else running.set(cmd, n);
      finished++;
      show();
    }
  };
}
