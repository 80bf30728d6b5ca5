// Shared by the run tests: the fake ffmpeg, its cues, and tiny real encodes from lavfi sources.
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** test/run/fake-ffmpeg: misbehaves on the cue in VPS_FAKE_FFMPEG (see its header). */
export const FAKE_FFMPEG = fileURLToPath(new URL("./fake-ffmpeg", import.meta.url));

/** The environment that cues the fake ffmpeg (the rest of the environment kept, PATH included). */
export function cue(cues: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, VPS_FAKE_FFMPEG: cues, ...extra };
}

const HEAD = ["-hide_banner", "-nostdin", "-y", "-loglevel", "error"];

/** vps's argv shape (output last) for a 160x90, 10 fps H.264 encode of `seconds` of test pattern. */
export function encodeArgs(dir: string, name: string, seconds = 1, codec: string[] = ["-c:v", "libx264", "-preset", "veryfast"]): { args: string[]; out: string } {
  const out = join(dir, name);
  return { out, args: [...HEAD, "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=10", "-t", String(seconds), ...codec, "-pix_fmt", "yuv420p", "-f", "mp4", out] };
}

/** An encode that never ends on its own: the pattern read at its real rate (-re), without -t. */
export function endlessArgs(dir: string): string[] {
  return [...HEAD, "-re", "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=10", "-c:v", "libx264", "-preset", "ultrafast", "-f", "mp4", join(dir, "endless.mp4")];
}
