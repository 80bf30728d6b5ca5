// Test media: the shared real clips, and small synthetic clips made with ffmpeg's lavfi sources.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { localTools, type ToolRunner } from "../../src/util/proc/runner";

const SHARED = fileURLToPath(new URL("../../../shared/data/media/", import.meta.url));

export const MEDIA = {
  bbb: join(SHARED, "animation_bbb_5s_720p_h264.mp4"),
  caminandes: join(SHARED, "animation_caminandes1_10s_360p.mp4"),
  tearsOfSteel: join(SHARED, "liveaction_tears_of_steel_10s_360p.mp4"),
  talkinghead: join(SHARED, "talkinghead_carphone_qcif_4s.mp4"),
};

/** Runs ffmpeg to make a fixture; a failure here is a broken test, so it throws with ffmpeg's words. */
export function ffmpeg(args: string[]): void {
  const r = spawnSync("ffmpeg", ["-hide_banner", "-nostdin", "-v", "error", "-y", ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(" ")} failed: ${r.stderr}`);
}

/** Encodes `input` arguments (a lavfi source or a file plus filters) into `dir/name.mp4`, H.264 4:2:0. */
export function makeClip(dir: string, name: string, input: string[], seconds: number, extra: string[] = []): string {
  const out = join(dir, `${name}.mp4`);
  ffmpeg([...input, "-t", String(seconds), "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "veryfast", "-crf", "16", ...extra, out]);
  return out;
}

export const lavfi = (graph: string): string[] => ["-f", "lavfi", "-i", graph];

export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The real tools, counted: a cache hit (or an early input error) must not start any. */
export function countingTools(): { run: ToolRunner; calls: () => number } {
  let n = 0;
  return {
    run: (cmd, args, req) => {
      n += 1;
      return localTools(cmd, args, req);
    },
    calls: () => n,
  };
}
