// Jobs as the coordinator sends them, built from the argv vps really writes (src/encode/argv.ts,
// src/package/dash.ts) for every shipped recipe: what a worker must accept, and the base that the
// hostile payloads of the tests change one piece of.
import { posix } from "node:path";
import { normaliseNeeds, type SourceFacts } from "../../src/content/normalise";
import type { ProbeInfo } from "../../src/content/types";
import { chunkOf } from "../../src/encode/commands";
import { audioArgv, encodeArgv, joinArgv, normaliseArgv, renditionPath } from "../../src/encode/argv";
import { type FfmpegJob, PROTOCOL } from "../../src/farm/protocol";
import { relativeArgv } from "../../src/farm/validate";
import type { AudioProfile, ContentProfile, Recipe } from "../../src/model";
import { dashArgv, type PackageInput } from "../../src/package/dash";
import { aContent } from "../builders";
import { aProbe } from "../content/builders";
import { shippedBook } from "../load/helpers";

export const SHARED = "/mnt/farm";
export const TITLE = "ep-101";
/** Output folders under the shared dir: a plain one, one whose name needs file: (a colon), one with a quote (the concat list's quoting). */
export const WORK_DIRS = [`${SHARED}/out/.work`, `${SHARED}/night:run/.work`, `${SHARED}/it's here/.work`];
export const WORK = WORK_DIRS[0]!;

export const MASTERING: NonNullable<ProbeInfo["masteringDisplay"]> = {
  red: [0.68, 0.32], green: [0.265, 0.69], blue: [0.15, 0.06], whitePoint: [0.3127, 0.329], minLuminance: 0.0001, maxLuminance: 1000,
};

export function facts(content: Partial<ContentProfile> = {}, probe: Partial<ProbeInfo> = {}): SourceFacts {
  const c = aContent({ source: `${SHARED}/uploads/ep 1 (final).mov`, duration: 600, ...content });
  const p = aProbe({ width: c.width, height: c.height, fps: c.fps, bitDepth: c.bitDepth, hdr: c.hdr, duration: c.duration, ...probe });
  return { content: c, probe: p, needs: normaliseNeeds(p, true) };
}

/** Sources that bring out each branch of the builders: plain, a colon in the name, PQ with HDR10 metadata, HLG, interlaced VFR 4:2:2. */
export const SOURCES: readonly { label: string; facts: SourceFacts }[] = [
  { label: "sdr", facts: facts() },
  { label: "colon", facts: facts({ source: `${SHARED}/uploads/live: day 2.mov` }) },
  {
    label: "pq",
    facts: facts({ width: 3840, height: 2160, bitDepth: 10, hdr: "pq", source: `${SHARED}/uploads/hdr/film.mxf` }, { pixelFormat: "yuv420p10le", masteringDisplay: MASTERING, contentLight: { maxCll: 1000, maxFall: 400 } }),
  },
  { label: "hlg", facts: facts({ bitDepth: 10, hdr: "hlg", fps: 50 }, { pixelFormat: "yuv420p10le" }) },
  { label: "interlaced", facts: facts({ fps: 29.97, source: `${SHARED}/uploads/tape.ts` }, { interlaced: true, fieldOrder: "tt", variableFrameRate: true, pixelFormat: "yuv422p" }) },
];

export const AUDIO: readonly AudioProfile[] = [
  { name: "aac-128", codec: "aac", bitrateKbps: 128, channels: 2 },
  { name: "opus-96", codec: "opus", bitrateKbps: 96, channels: 2 },
  { name: "aac-51", codec: "aac", bitrateKbps: 384, channels: 6 },
];

/** The shipped recipes, plus AV1 made HDR (no shipped file is): SVT-AV1's HDR10 parameters. */
export function recipes(): Recipe[] {
  const book = shippedBook().recipes;
  const av1 = book.filter((r) => r.encoder === "libsvtav1").map((r) => ({ ...r, id: `${r.id}+hdr`, hdr: true }));
  return [...book, ...av1];
}

/** Each encoder a recipe's encodes may run with, and its presets: the recipe's, its faster-preset steps', the fallback's. */
export function variants(r: Recipe): { recipe: Recipe; presets: string[] }[] {
  const steps = r.downgrades.flatMap((d) => (d.step === "faster-preset" ? [d.preset] : []));
  const own = { recipe: r, presets: [...new Set([r.preset, ...steps])] };
  const fb = r.fallback;
  return fb ? [own, { recipe: { ...r, encoder: fb.encoder, settings: fb.settings }, presets: [fb.preset] }] : [own];
}

/** A try's temporary name beside its final one, as src/farm/coordinator.ts names it. */
export function tryName(final: string, tag = "0a1b2c3d-7-1"): string {
  return posix.join(posix.dirname(final), `.${posix.basename(final)}.${tag}.partial`);
}

/** vps's argv with its output renamed to the try's, as the executor does before it hands a try over. */
export function asTry(argv: readonly string[]): { args: string[]; output: string } {
  const last = argv.at(-1)!;
  const file = last.startsWith("file:");
  const tmp = tryName(file ? last.slice("file:".length) : last);
  return { args: [...argv.slice(0, -1), file ? `file:${tmp}` : tmp], output: tmp };
}

/** The job the coordinator sends for a try (absolute paths under `shared` made relative). */
export function aJob(t: { args: readonly string[]; output: string }, over: Partial<FfmpegJob> = {}, shared = SHARED): FfmpegJob {
  const args = relativeArgv(t.args, shared);
  if (args === null) throw new Error(`a path of ${t.args.join(" ")} is outside ${shared}`);
  const base: FfmpegJob = {
    v: PROTOCOL, run: "0a1b2c3d", task: `${TITLE}/encode`, key: "k1", try: 1, slots: 4, args, output: posix.relative(shared, t.output),
    expect: { codec: "h264", width: 1280, height: 720, pixFmt: "yuv420p", durationSeconds: 600, fps: 24, toleranceFrames: 1 }, stallTimeoutMs: 600_000,
  };
  return { ...base, ...over };
}

export interface Built {
  label: string;
  job: FfmpegJob;
}

const built = (label: string, argv: readonly string[], over: Partial<FfmpegJob> = {}): Built => ({ label, job: aJob(asTry(argv), over) });

/** Every encode: each recipe, encoder, preset, slots 1..4 and rung, whole and as a chunk; sources and folders taken in turn. */
export function encodeJobs(): Built[] {
  const out: Built[] = [];
  for (const r of recipes()) {
    for (const { recipe, presets } of variants(r)) {
      for (const preset of presets) {
        for (let slots = 1; slots <= 4; slots++) {
          for (const [k, rendition] of recipe.ladder.entries()) {
            const { label, facts: f } = SOURCES[(k + slots) % SOURCES.length]!;
            const work = WORK_DIRS[(k + slots + preset.length) % WORK_DIRS.length]!;
            for (const chunk of [null, chunkOf(f.content.duration, 1, 2, 2)]) {
              const argv = encodeArgv(f, { title: TITLE, recipe, rendition, preset, chunk, slots }, work);
              out.push(built(`${recipe.id} ${recipe.encoder} preset ${preset} slots ${slots} ${rendition.name} ${label}${chunk ? " chunk 1" : ""} in ${work}`, argv, { slots }));
            }
          }
        }
      }
    }
  }
  return out;
}

/** Every other command vps writes: the mezzanine, audio, joins and the DASH package, in each output folder. */
export function otherJobs(): Built[] {
  const out: Built[] = [];
  for (const work of WORK_DIRS) {
    for (const { label, facts: f } of SOURCES) {
      for (let slots = 1; slots <= 4; slots++) out.push(built(`normalise ${label} slots ${slots} in ${work}`, normaliseArgv(f, work, TITLE, slots), { slots }));
      for (const a of AUDIO) out.push(built(`audio ${a.name} ${label} in ${work}`, audioArgv(f, a, work, TITLE), { slots: 1, expect: { codec: a.codec, channels: a.channels, durationSeconds: 600, fps: 24 } }));
    }
    for (let chunks = 1; chunks <= 5; chunks++) out.push(built(`join of ${chunks} in ${work}`, joinArgv(work, TITLE, "h264-sdr", "720p", chunks), { slots: 1 }));
    out.push(dashJob(work, ["h264", "aac"]), dashJob(work, ["hevc", "aac", "opus"]), dashJob(work, ["vp9"]));
  }
  return out;
}

/** The package step: its output is the folder the manifest goes in (a try's own). */
export function dashJob(work: string, codecs: readonly string[], shared = SHARED): Built {
  const [video, ...audio] = codecs;
  const inputs: PackageInput[] = [
    ...["1080p", "720p", "360p"].map((rung) => ({ file: renditionPath(work, TITLE, "h264-sdr", rung, null), kind: "video" as const, codec: video! })),
    ...audio.map((codec) => ({ file: posix.join(work, TITLE, `${codec}.audio.mp4`), kind: "audio" as const, codec })),
  ];
  const dir = tryName(posix.join(work, "..", "staging", TITLE, "h264-sdr"));
  return { label: `dash ${codecs.join("+")} in ${work}`, job: aJob({ args: dashArgv(inputs, 2, dir), output: dir }, { expect: null, slots: 1 }, shared) };
}
