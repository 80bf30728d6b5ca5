// The measured transcode times of shared/data/transcode-times (Wu et al., HPCC 2020, hpcclab
// videostreamingBenchmark) as a history of observed runs. How the columns are read, and why:
//
//  - Source. Every operation transcodes the benchmark's *standardised* 2-second segments, not the
//    originals: the benchmark converted each video to H.264, 1280x720, 30 fps, ≈4.5 Mb/s before
//    splitting it (its README and `standardize.sh`), and the data agrees — times do not follow the
//    original resolution in videos.csv (a 320x240 upload takes as long as a 4K one; the correlation
//    of log time with log original pixel rate is ≈0.1 across the 50 videos). So the source of every
//    run is 1280x720 at 30 fps, 8-bit; videos.csv's resolution and frame rate describe the upload.
//  - Encoder. Only the `codec` operation names one: `-vcodec libx264` (preset medium, ffmpeg's
//    default) and `-vcodec libvpx-vp9` (deadline good, cpu-used 1: ffmpeg's defaults). The
//    `resolution`, `framerate` and `bitrate` operations write `.ts` files without `-vcodec`, so
//    ffmpeg encodes them with the MPEG-TS muxer's default, MPEG-2 video — recorded as codec
//    `mpeg2` (preset `default`), not as H.264. Reading them as H.264 would make H.264 look 5× cheaper.
//  - Output. resolution → 1920x1080 or 640x360 at 30 fps; framerate → 1280x720 at 60 or 24 fps;
//    bitrate → 1280x720 at 30 fps; codec → 1280x720 at 30 fps (no scale or rate option).
//  - Runs. `mean_ms` is the mean wall time of the runs of one segment on one single-vCPU VM
//    (real ≈ user time in the raw logs), so slots = 1. Each segment is 2 s; the last segment of a
//    video is usually shorter, but the data does not say by how much, so it counts as 2 s too.
//  - Content. videos.csv's category `Animation` is content class animation; the others are
//    generic (the data has no complexity, so it stays at the default 0.5).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../util/errors";
import { parseCsv } from "./csv";
import type { HistoryRow } from "./historyFields";

/** The standardised segments every operation reads. */
export const SOURCE = { width: 1280, height: 720, fps: 30 } as const;
export const SEGMENT_SECONDS = 2;

interface Output {
  codec: string;
  preset: string;
  width: number;
  height: number;
  fps: number;
}

const MPEG2 = { codec: "mpeg2", preset: "default" } as const;

/** Operation and target → what was encoded (see the reading above). */
export const OPERATIONS: Readonly<Record<string, Output>> = {
  "resolution/1080p": { ...MPEG2, width: 1920, height: 1080, fps: 30 },
  "resolution/360p": { ...MPEG2, width: 640, height: 360, fps: 30 },
  "framerate/60fps": { ...MPEG2, width: 1280, height: 720, fps: 60 },
  "framerate/24fps": { ...MPEG2, width: 1280, height: 720, fps: 24 },
  "bitrate/3400k": { ...MPEG2, ...SOURCE },
  "bitrate/2400k": { ...MPEG2, ...SOURCE },
  "codec/h264": { codec: "h264", preset: "medium", ...SOURCE },
  "codec/vp9": { codec: "vp9", preset: "1", ...SOURCE },
};

/** Rows of a CSV as objects keyed by its header; a row of the wrong width is an InputError. */
function csvObjects(file: string, text: string): { line: number; get: (k: string) => string }[] {
  const { records } = parseCsv(text);
  const header = records[0]?.fields.map((h) => h.trim()) ?? [];
  return records.slice(1).map((r) => {
    if (r.fields.length !== header.length) throw new InputError(`${file}:${r.line}: expected ${header.length} fields, found ${r.fields.length}`);
    return { line: r.line, get: (k: string) => r.fields[header.indexOf(k)]?.trim() ?? "" };
  });
}

function contentClasses(file: string, text: string): Map<string, "animation" | "generic"> {
  const classes = new Map<string, "animation" | "generic">();
  for (const row of csvObjects(file, text)) {
    if (row.get("video") === "") throw new InputError(`${file}:${row.line}: expected a video id, found nothing`);
    classes.set(row.get("video"), row.get("category").toLowerCase() === "animation" ? "animation" : "generic");
  }
  return classes;
}

function toRow(file: string, row: { line: number; get: (k: string) => string }, classes: Map<string, string>): HistoryRow {
  const op = `${row.get("operation")}/${row.get("target")}`;
  const out = OPERATIONS[op];
  if (!out) throw new InputError(`${file}:${row.line}: expected one of the operations ${Object.keys(OPERATIONS).join(", ")}, found "${op}"`);
  const video = row.get("video");
  const contentClass = classes.get(video);
  if (!contentClass) throw new InputError(`${file}:${row.line}: video ${video} is not in videos.csv`);
  const ms = Number(row.get("mean_ms"));
  if (!(ms > 0) || !Number.isFinite(ms)) throw new InputError(`${file}:${row.line}: expected a positive mean_ms, found "${row.get("mean_ms")}"`);
  return {
    line: row.line,
    video,
    ...out,
    sourceWidth: SOURCE.width,
    sourceHeight: SOURCE.height,
    sourceFps: SOURCE.fps,
    duration: SEGMENT_SECONDS,
    bitDepth: 8,
    complexity: 0.5,
    contentClass: contentClass as HistoryRow["contentClass"],
    slots: 1,
    seconds: ms / 1000,
  };
}

/** Every segment of segments.csv as a run, in file order. */
export function transcodeTimesHistory(segmentsCsv: string, videosCsv: string, files = { segments: "segments.csv", videos: "videos.csv" }): HistoryRow[] {
  const classes = contentClasses(files.videos, videosCsv);
  return csvObjects(files.segments, segmentsCsv).map((row) => toRow(files.segments, row, classes));
}

export function loadTranscodeTimes(dir: string): HistoryRow[] {
  const read = (name: string): string => {
    try {
      return readFileSync(join(dir, name), "utf8");
    } catch {
      throw new InputError(`cannot read ${join(dir, name)}: expected the transcode-times data (segments.csv and videos.csv) in ${dir}`);
    }
  };
  return transcodeTimesHistory(read("segments.csv"), read("videos.csv"), { segments: join(dir, "segments.csv"), videos: join(dir, "videos.csv") });
}
