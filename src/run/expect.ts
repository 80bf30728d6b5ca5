// What each ffmpeg task of a real run must have written, for its check (src/run/verify.ts): the
// file its argv names and the codec, frame size, pixel format, duration and frame rate it promises.
// Built from the same facts as the argv (src/encode/argv.ts), so the check and the command agree.
import { chunkOf, type EncodeLookup } from "../encode/commands";
import { audioPath, mezzaninePath, outputSize, pixelFormat, renditionPath } from "../encode/argv";
import { mezzaninePixelFormat, type SourceFacts } from "../content/normalise";
import type { Task } from "../model";
import type { Recipe } from "../model";
import { audioProfileNamed, segmentSeconds } from "../recipes/delivery";
import { type OutputExpectation, verifyOutput, type Verdict } from "./verify";
import { type AudioExpectation, verifyAudio } from "./verifyAudio";

export interface ExpectedOutput {
  /** The final path (the argv's last argument). */
  path: string;
  expect: OutputExpectation | AudioExpectation;
}

/** The check of an output against what its task promised: the video check or the audio one. */
export function checkOutput(file: string, e: OutputExpectation | AudioExpectation): Promise<Verdict> {
  return "channels" in e ? verifyAudio(file, e) : verifyOutput(file, e);
}

const AUDIO_CODEC_NAMES: Record<string, string> = { aac: "aac", opus: "opus" };

/** ffprobe's codec_name for each codec vps encodes. */
const CODEC_NAMES: Record<string, string> = { h264: "h264", hevc: "hevc", av1: "av1", vp9: "vp9" };

export function expectedOutput(task: Task, sourceTitle: string, facts: SourceFacts, lookup: EncodeLookup, workDir: string, recipes: readonly Recipe[] = []): ExpectedOutput | null {
  const { content, probe } = facts;
  if (task.kind === "audio") {
    const profile = task.rendition === null ? null : audioProfileNamed(recipes, task.rendition);
    if (!profile) return null;
    return {
      path: audioPath(workDir, sourceTitle, profile.name),
      expect: { codec: AUDIO_CODEC_NAMES[profile.codec] ?? profile.codec, channels: profile.channels, durationSeconds: content.duration, fps: content.fps },
    };
  }
  if (task.kind === "normalise") {
    return {
      path: mezzaninePath(workDir, sourceTitle),
      expect: { codec: "ffv1", width: probe.width, height: probe.height, pixFmt: mezzaninePixelFormat(probe.bitDepth), durationSeconds: content.duration, fps: content.fps },
    };
  }
  if ((task.kind !== "encode" && task.kind !== "join") || task.deliverable === null || task.rendition === null) return null;
  const found = lookup({ ...task, kind: "encode" }, sourceTitle);
  if (!found) return null;
  const { recipe, rendition } = found;
  const size = outputSize(content, probe, rendition);
  // A join holds the whole title; an encode of a chunked title holds its chunk (cut as the pipeline cut it).
  const chunk = task.kind === "encode" && task.chunk !== null ? chunkOf(content.duration, task.chunk, task.chunks ?? 1, segmentSeconds(recipe)) : null;
  const whole = task.kind === "join" || chunk === null;
  return {
    path: renditionPath(workDir, sourceTitle, recipe.deliverable, rendition.name, chunk?.index ?? null),
    expect: {
      codec: CODEC_NAMES[recipe.codec] ?? recipe.codec,
      width: size.width,
      height: size.height,
      pixFmt: pixelFormat(recipe.bitDepth),
      durationSeconds: whole ? content.duration : chunk.seconds,
      fps: content.fps,
      // A join is the sum of its chunks, each cut at a frame edge: one frame of slack per chunk.
      toleranceFrames: task.kind === "join" ? (task.chunks ?? 1) : 1,
    },
  };
}
