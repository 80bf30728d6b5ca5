// vps read off a real terminal, as a person sees it: tmux at 80 and 160 columns runs the command,
// `capture-pane -J` gives back every line as the program wrote it (a line the terminal had to wrap
// comes back longer than the pane). Tables and the --accelerate progress line must fit, and the
// progress line must be rewritten in place, never stacked.
import { execFileSync, spawnSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { assertBuilt, ROOT } from "./run";

const hasTmux = spawnSync("tmux", ["-V"]).status === 0;
/** A private tmux server, so a user's own sessions are never touched. */
const SOCKET = `vps-test-${process.pid}`;
const tmux = (...args: string[]): string => execFileSync("tmux", ["-L", SOCKET, ...args], { encoding: "utf8" });
const DONE = "__vps_done__";

/** Runs `command` in a fresh pane `width` columns wide and returns the whole pane, scrollback included. */
async function onTerminal(width: number, command: string): Promise<string[]> {
  const name = `w${width}`;
  tmux("new-session", "-d", "-s", name, "-x", String(width), "-y", "50", "-c", ROOT, `${command}; echo ${DONE}; sleep 60`);
  try {
    for (let waited = 0; waited < 90_000; waited += 250) {
      const pane = tmux("capture-pane", "-p", "-J", "-S", "-", "-t", name);
      if (pane.includes(DONE)) return pane.split("\n").filter((l) => l !== "" && !l.includes(DONE));
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`${command} did not finish in 90 s on a ${width}-column terminal`);
  } finally {
    tmux("kill-session", "-t", name);
  }
}

afterAll(() => {
  if (hasTmux) spawnSync("tmux", ["-L", SOCKET, "kill-server"]);
});

describe.skipIf(!hasTmux)("vps on a real terminal (tmux)", () => {
  for (const width of [80, 160]) {
    it(`at ${width} columns: the plan's tables, its headline and the progress line fit, and progress is one line`, async () => {
      assertBuilt();
      // Colour off: chalk would add codes tmux does not count but the length check would.
      const lines = await onTerminal(width, "FORCE_COLOR=0 ./bin/vps simulate --scenario scheduled-release --seed 42 --policy value --accelerate 20000");
      const tooWide = lines.filter((l) => [...l].length > width);
      expect(tooWide).toEqual([]);
      // The tables were printed (not JSON), titles included.
      expect(lines.some((l) => l.startsWith("│ ep-0001"))).toBe(true);
      // The progress line was rewritten in place: exactly one line of it is left, the final one.
      const progress = lines.filter((l) => /^\[?\+\d.* · (ETA|done in)/.test(l));
      expect(progress).toHaveLength(1);
      expect(progress[0]).toMatch(/done in/);
    });
  }
});
