// Every rung lasts as long as the others, and as the source when it is known: within one video
// frame for a video rung, one audio frame (an AAC frame is 1024 samples) plus one video frame for
// an audio rung, whose length is cut in whole audio frames and shifted by the encoder's priming.
import type { Facts, Manifest, SourceFacts } from "../types";
import { audioFrameOf, findings, kindOf, seconds, totalDuration, videoFrameOf, type Findings } from "./measure";

/** Float sums of EXTINFs carry rounding far below a frame. */
const EPSILON = 1e-6;

interface Timed {
  /** The rung's id, or "the source". */
  id: string;
  duration: number;
  video: boolean;
  /** Seconds per frame of this rung: a video frame, or an audio frame. */
  frame: number | null;
}

/** The tolerance between `t` and the rung (or source) it is compared with. */
function tolerance(t: Timed, ref: Timed): number {
  if (t.video === ref.video) return Math.max(t.frame ?? 0, ref.frame ?? 0);
  const [video, audio] = t.video ? [t, ref] : [ref, t];
  return (audio.frame ?? 0) + (video.frame ?? 0);
}

function allowed(t: Timed, ref: Timed): string {
  const tol = `± ${seconds(tolerance(t, ref))}`;
  const videoFrame = t.video ? Math.max(t.frame ?? 0, ref.video ? (ref.frame ?? 0) : 0) : ref.video ? ref.frame : null;
  const fps = videoFrame ? `one frame at ${Number((1 / videoFrame).toFixed(3))} fps` : null;
  if (t.video) return `${tol} (${fps})`;
  return fps ? `${tol} (one audio frame plus ${fps})` : `${tol} (one audio frame)`;
}

/** The rung most others agree with (ties: the longest), so one short rung is named, not every other. */
function reference(candidates: Timed[]): Timed | null {
  let best: { t: Timed; agree: number } | null = null;
  for (const t of candidates) {
    const agree = candidates.filter((o) => Math.abs(o.duration - t.duration) <= tolerance(o, t) + EPSILON).length;
    if (!best || agree > best.agree || (agree === best.agree && t.duration > best.t.duration)) best = { t, agree };
  }
  return best?.t ?? null;
}

function differs(d: number, ref: number): string {
  const diff = d - ref;
  return `${seconds(Math.abs(diff))} ${diff < 0 ? "shorter" : "longer"} than`;
}

function againstRungs(m: Manifest, timed: Timed[], out: Findings): void {
  const videos = timed.filter((t) => t.video);
  const ref = reference(videos.length > 0 ? videos : timed);
  if (ref === null) return;
  for (const t of timed) {
    if (Math.abs(t.duration - ref.duration) <= tolerance(t, ref) + EPSILON) continue;
    out.problems.push(`${m.name} ${t.id}: lasts ${seconds(t.duration)}, ${differs(t.duration, ref.duration)} ${ref.id} (${seconds(ref.duration)}); allowed ${allowed(t, ref)}`);
  }
}

function againstSource(m: Manifest, timed: Timed[], source: SourceFacts, out: Findings): void {
  const frame = source.fps ? 1 / source.fps : (timed.find((t) => t.video)?.frame ?? null);
  if (frame === null) {
    out.notes.push(`${m.name}: no frame rate known (of the source or a video rung): rung durations not compared with the source`);
    return;
  }
  // The source stands as a video rung of its own frame rate.
  const src: Timed = { id: "the source", duration: source.duration, video: true, frame };
  for (const t of timed) {
    if (Math.abs(t.duration - source.duration) <= tolerance(t, src) + EPSILON) continue;
    out.problems.push(`${m.name} ${t.id}: lasts ${seconds(t.duration)}, ${differs(t.duration, source.duration)} the source (${seconds(source.duration)}, ${source.from}); allowed ${allowed(t, src)}`);
  }
}

export function checkTotals(m: Manifest, facts: Facts, source: SourceFacts | null): Findings {
  const out = findings();
  const timed: Timed[] = m.rungs
    .filter((r) => r.segments.length > 0)
    .map((rung) => {
      const video = kindOf(rung, facts[rung.id]) === "video";
      return { id: rung.id, duration: totalDuration(rung), video, frame: video ? videoFrameOf(rung, facts[rung.id]) : audioFrameOf(facts[rung.id]) };
    });
  if (timed.some((t) => t.video && t.frame === null)) {
    out.notes.push(`${m.name}: a video rung has no frame rate (ffprobe could not read it, the manifest declares none): durations not compared`);
    return out;
  }
  againstRungs(m, timed, out);
  if (source !== null) againstSource(m, timed, source, out);
  return out;
}
