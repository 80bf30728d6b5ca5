// `vps run --follow-events FILE`: tails an NDJSON file that another process appends analytics
// reports to (the same lines as --events), so a viral upload can be promoted while the batch runs.
// The file is polled: fs.watch misses appends on some filesystems and says nothing of partial
// lines. Only whole lines (ending in a newline) are read; a bad line is a warning, not the end of
// a run that is half done. A file that does not exist yet is waited for.
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { parseEventLine } from "../load/analytics";
import type { AnalyticsEvent } from "../model";
import { formatProblem } from "../util/errors";

export interface Follower {
  stop(): void;
}

const POLL_MS = 500;

export function followEvents(path: string, epochMs: number, onEvent: (e: AnalyticsEvent) => void, onWarning: (text: string) => void): Follower {
  let offset = 0;
  let line = 0;
  let rest = "";
  const poll = () => {
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      return; // not there yet
    }
    if (size < offset) {
      onWarning(`${path} was truncated: following it from its start again`);
      offset = 0;
      rest = "";
    }
    if (size === offset) return;
    const buf = Buffer.alloc(size - offset);
    const fd = openSync(path, "r");
    try {
      readSync(fd, buf, 0, buf.length, offset);
    } finally {
      closeSync(fd);
    }
    offset = size;
    const lines = (rest + buf.toString("utf8")).split("\n");
    rest = lines.pop() ?? "";
    for (const text of lines) {
      line++;
      if (text.trim() === "") continue;
      const r = parseEventLine(path, line, text.replace(/\r$/, "").replace(/^\uFEFF/, ""), epochMs);
      if (Array.isArray(r)) r.forEach((p) => onWarning(`${formatProblem(p)} (line ignored)`));
      else onEvent(r);
    }
  };
  const timer = setInterval(poll, POLL_MS);
  poll();
  return { stop: () => clearInterval(timer) };
}
