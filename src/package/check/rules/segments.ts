// No segment longer than the manifest allows. HLS: each EXTINF rounded to the nearest integer is
// at most EXT-X-TARGETDURATION (RFC 8216 §4.3.3.1). DASH: each segment at most
// MPD@maxSegmentDuration, both at the precision the MPD writes the limit with: ffmpeg writes it
// cut to a tenth of a second ("PT1.0S" for AAC segments of 1.0027 s), so comparing exactly would
// fail every AAC track it packages.
import type { Manifest, Rung, SegmentLimit } from "../types";
import { findings, type Findings } from "./measure";

function over(duration: number, limit: SegmentLimit): string | null {
  if (limit.rule === "hls-target") {
    const rounded = Math.round(duration);
    return rounded > limit.seconds ? `EXTINF ${duration} s rounds to ${rounded} s, above EXT-X-TARGETDURATION ${limit.seconds}` : null;
  }
  const scale = 10 ** limit.decimals;
  const rounded = Math.round(duration * scale) / scale;
  return rounded > limit.seconds ? `${duration.toFixed(3)} s, above MPD@maxSegmentDuration ${limit.seconds} s` : null;
}

function checkRung(m: Manifest, rung: Rung, out: Findings): void {
  if (rung.limit === null || rung.indexed) return;
  const limit = rung.limit;
  rung.segments.forEach((seg, i) => {
    const why = over(seg.duration, limit);
    if (why !== null) out.problems.push(`${m.name} ${rung.id} segment ${i + 1} (${seg.uri}): ${why}`);
  });
}

export function checkSegmentDurations(m: Manifest): Findings {
  const out = findings();
  for (const rung of m.rungs) checkRung(m, rung, out);
  return out;
}
