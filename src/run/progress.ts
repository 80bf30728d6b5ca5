// ffmpeg's machine-readable progress (`-progress pipe:1`): blocks of key=value lines, each ended
// by `progress=continue` (or `progress=end` for the last), one block per stats period (0.5 s by
// default). Pure: the parser is fed stdout chunks and hands back finished blocks, so it is tested
// without a process.
//
// Units, checked against ffmpeg 5.1: `out_time_us` and `out_time_ms` are both microseconds (the
// `_ms` key is a historical misnomer kept for compatibility), `speed` is printed as "0.438x", and
// any value may be "N/A" before the first frame is muxed.

export interface JobProgress {
  /** Media time written so far, in seconds; null before the first packet is muxed. */
  outTimeSeconds: number | null;
  frame: number | null;
  fps: number | null;
  /** Encoding speed as a multiple of real time (2 = two seconds of media per second). */
  speed: number | null;
  /** True for ffmpeg's last block (`progress=end`). */
  end: boolean;
}

/** ffmpeg's global progress options, put before the output file (the last argument of vps's argv). */
export const PROGRESS_ARGS = ["-progress", "pipe:1", "-nostats"] as const;

/** `args` with the progress options inserted before the output, the last argument. */
export function withProgressArgs(args: readonly string[]): string[] {
  if (args.length === 0) return [...PROGRESS_ARGS];
  return [...args.slice(0, -1), ...PROGRESS_ARGS, args[args.length - 1]!];
}

/** A finite number from ffmpeg's text ("N/A", "", "inf" → null); a trailing "x" (speed) is allowed. */
function numberOf(text: string | undefined): number | null {
  if (text === undefined) return null;
  const m = /^\s*(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)x?\s*$/i.exec(text);
  return m ? Number(m[1]) : null;
}

/** One block's fields as progress; out_time_us is preferred, out_time_ms (also µs) is the fallback. */
export function progressOf(fields: ReadonlyMap<string, string>): JobProgress {
  const micros = numberOf(fields.get("out_time_us")) ?? numberOf(fields.get("out_time_ms"));
  return {
    // Negative before the first packet when the input starts late (an -ss seek): not yet a time.
    outTimeSeconds: micros === null || micros < 0 ? null : micros / 1e6,
    frame: numberOf(fields.get("frame")),
    fps: numberOf(fields.get("fps")),
    speed: numberOf(fields.get("speed")),
    end: fields.get("progress") === "end",
  };
}

/** Collects stdout into blocks; a line split across chunks is held until its newline arrives. */
export class ProgressParser {
  private partial = "";
  private fields = new Map<string, string>();

  /** The blocks completed by this chunk, in order. */
  push(chunk: string): JobProgress[] {
    const lines = (this.partial + chunk).split("\n");
    this.partial = lines.pop()!;
    const blocks: JobProgress[] = [];
    for (const line of lines) {
      const eq = line.indexOf("=");
      if (eq <= 0) continue;
      const key = line.slice(0, eq).trim();
      this.fields.set(key, line.slice(eq + 1).trim());
      if (key === "progress") {
        blocks.push(progressOf(this.fields));
        this.fields = new Map();
      }
    }
    return blocks;
  }
}
