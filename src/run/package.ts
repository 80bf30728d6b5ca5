// The package task of a real run: a deliverable's checked renditions and audio become one adaptive
// package under .work/<title>/package/<deliverable>/, published with the title:
//   manifest.mpd                  DASH, static, SegmentTemplate + SegmentTimeline (ffmpeg's DASH muxer)
//   master.m3u8, <rung>.m3u8, audio-<name>.m3u8   HLS over the same segments (src/package/hls.ts)
//   init-<n>.mp4, seg-<n>-<k>.m4s  fMP4 (CMAF) init and media segments, <n> the representation
// ffmpeg stream-copies into a temporary folder; vps measures the segments, writes the playlists and
// renames the folder into place, so a killed package step leaves no half package behind.
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, join, relative } from "node:path";
import { parse as parseMpd } from "mpd-parser";
import type { MpdPlaylist } from "mpd-parser";
import { audioPath, renditionPath } from "../encode/argv";
import type { AudioProfile, Recipe } from "../model";
import { checkPackage } from "../package/check/run";
import { dashArgv, MPD_NAME, type PackageInput } from "../package/dash";
import { type AudioTrack, hlsPlaylists, type MediaSegment, type VideoTrack } from "../package/hls";
import { audioProfiles, hasAudio, packageFormats, segmentSeconds } from "../recipes/delivery";
import { type SimState, type SimTask, sourceTitle } from "../sched/state";
import { localTools } from "../util/proc/runner";
import { runTool } from "../util/proc/tool";
import { exists, type RunLayout, stagingDir } from "./layout";
import type { Exec } from "./exec";

export interface PackageContext {
  state: SimState;
  layout: RunLayout;
  /** Runs the DASH muxer: on this machine, or on the farm worker the package task was placed on. */
  exec: Exec;
  stallTimeoutMs: number;
  signal: AbortSignal;
}

/** The worker packaging it was lost: the scheduler starts the package task again. */
export class LostTry extends Error {}

/** What title.json says of a package: its formats, manifests and what each rung declares. */
export interface PackageSummary {
  formats: string[];
  manifests: Record<string, string>;
  segmentSeconds: number;
  audio: { name: string; codecs: string; channels: number }[];
  variants: { name: string; playlist: string; bandwidth: number; averageBandwidth: number; codecs: string; width: number; height: number }[];
}


/** The renditions a package holds: a follow-up's also its deferred one, never a dropped or failed one. */
function renditionsOf(state: SimState, t: SimTask): string[] {
  const title = sourceTitle(state, t);
  const d = title.deliverables.find((x) => x.deliverable === t.task.deliverable);
  if (!d) return [];
  return d.renditions.filter((r) => r.status === "active" || (r.status === "deferred" && t.task.rendition !== null)).map((r) => r.rendition.name);
}

interface Probed {
  codec: string;
  profile: string;
  level: number;
  width: number;
  height: number;
}

async function probe(file: string): Promise<Probed> {
  const out = await runTool("ffprobe", ["-v", "error", "-select_streams", "0", "-show_entries", "stream=codec_name,profile,level,width,height", "-of", "json", `file:${file}`], { timeoutMs: 60_000 });
  const s = (JSON.parse(out.stdout) as { streams?: { codec_name?: string; profile?: string; level?: number; width?: number; height?: number }[] }).streams?.[0] ?? {};
  return { codec: s.codec_name ?? "unknown", profile: s.profile ?? "", level: s.level ?? 0, width: s.width ?? 0, height: s.height ?? 0 };
}

/**
 * ffmpeg 5.1's DASH muxer writes HEVC as a bare "hvc1": players need the profile and level
 * (hvc1.<profile>.<compatibility>.L<level>.B0; main tier, progressive).
 */
export function hevcCodecs(p: Pick<Probed, "profile" | "level">): string {
  const main10 = /10/.test(p.profile);
  return `hvc1.${main10 ? "2.4" : "1.6"}.L${p.level}.B0`;
}

/** The MPD with a full codec string on each HEVC representation (by id; attributes only, the rest untouched). */
function withCodecs(mpd: string, codecs: ReadonlyMap<string, string>): string {
  return mpd.replace(/(<Representation id="(\d+)"[^>]*?codecs=")([^"]*)(")/g, (all, head: string, id: string, _old: string, tail: string) => {
    const full = codecs.get(id);
    return full ? `${head}${full}${tail}` : all;
  });
}

async function segmentsOf(dir: string, p: MpdPlaylist): Promise<{ init: string; segments: MediaSegment[] }> {
  const segs = p.segments ?? [];
  const init = segs[0]?.map?.uri;
  if (!init || segs.length === 0) throw new Error(`the DASH muxer wrote no segments for representation ${p.attributes.NAME ?? "?"}`);
  const segments = await Promise.all(segs.map(async (s) => ({ uri: s.uri, duration: s.duration, bytes: (await stat(join(dir, s.uri))).size })));
  return { init, segments };
}

const idOf = (p: MpdPlaylist): number => Number(p.attributes.NAME);

/** The package's inputs: its renditions' files, then its audio's (none when the source has no audio). */
function inputsOf(state: SimState, t: SimTask, layout: RunLayout, recipe: Recipe): { names: string[]; video: string[]; audio: { profile: AudioProfile; file: string }[] } {
  const title = sourceTitle(state, t);
  const deliverable = t.task.deliverable!;
  const names = renditionsOf(state, t);
  const video = names.map((name) => renditionPath(layout.work, title.id, deliverable, name, null));
  const audio = hasAudio(title.title) ? audioProfiles(recipe).map((profile) => ({ profile, file: audioPath(layout.work, title.id, profile.name) })) : [];
  return { names, video, audio };
}

/** The first of the package's inputs that is not there, or null when all are. */
export async function missingInput(state: SimState, t: SimTask, layout: RunLayout, recipe: Recipe): Promise<string | null> {
  const { video, audio } = inputsOf(state, t, layout, recipe);
  for (const f of [...video, ...audio.map((a) => a.file)]) if (!(await exists(f))) return f;
  return null;
}

/** Packages deliverable `t.task.deliverable` of its title; returns what title.json says of it. */
export async function packageDeliverable(ctx: PackageContext, t: SimTask, recipe: Recipe): Promise<PackageSummary> {
  const title = sourceTitle(ctx.state, t);
  const deliverable = t.task.deliverable!;
  const { names, video, audio } = inputsOf(ctx.state, t, ctx.layout, recipe);
  const missing = await missingInput(ctx.state, t, ctx.layout, recipe);
  if (missing !== null) throw new Error(`${relative(ctx.layout.out, missing)} is missing at packaging`);
  const probes = await Promise.all(video.map(probe));
  const inputs: PackageInput[] = [
    ...video.map((file, i) => ({ file, kind: "video" as const, codec: probes[i]!.codec })),
    ...audio.map((a) => ({ file: a.file, kind: "audio" as const, codec: a.profile.codec })),
  ];

  const final = join(stagingDir(ctx.layout, title.id), deliverable);
  const at = { task: t, try: 1 };
  const tmp = ctx.exec.tryPath(final, at);
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  const seconds = segmentSeconds(recipe);
  const job = await ctx.exec.run({ ...at, args: dashArgv(inputs, seconds, tmp), output: tmp, expect: null, stallTimeoutMs: ctx.stallTimeoutMs }, ctx.signal);
  if (!job.ok) {
    await rm(tmp, { recursive: true, force: true });
    if (job.lost) throw new LostTry(job.reason);
    throw new Error(job.interrupted ? "interrupted" : `could not package ${deliverable}: ${job.reason}`);
  }

  const mpdPath = join(tmp, MPD_NAME);
  const fixes = new Map<string, string>();
  probes.forEach((p, i) => p.codec === "hevc" && fixes.set(String(i), hevcCodecs(p)));
  const mpd = withCodecs(await readFile(mpdPath, "utf8"), fixes);
  const parsed = parseMpd(mpd, { manifestUri: `file://${mpdPath}` });
  const videoTracks: VideoTrack[] = [];
  for (const p of parsed.playlists ?? []) {
    const i = idOf(p);
    const { init, segments } = await segmentsOf(tmp, p);
    videoTracks.push({ name: names[i]!, codecs: p.attributes.CODECS ?? "", init, segments, width: probes[i]!.width, height: probes[i]!.height, fps: title.title.content.fps });
  }
  videoTracks.sort((a, b) => names.indexOf(a.name) - names.indexOf(b.name));
  const audioTracks: AudioTrack[] = [];
  for (const group of Object.values(parsed.mediaGroups?.AUDIO ?? {})) {
    for (const lang of Object.values(group)) {
      for (const p of lang.playlists) {
        const a = audio[idOf(p) - video.length]!;
        const { init, segments } = await segmentsOf(tmp, p);
        audioTracks.push({ name: a.profile.name, codecs: p.attributes.CODECS ?? "", init, segments, channels: a.profile.channels });
      }
    }
  }
  audioTracks.sort((x, y) => audio.findIndex((a) => a.profile.name === x.name) - audio.findIndex((a) => a.profile.name === y.name));

  const formats = packageFormats(recipe);
  const hls = hlsPlaylists(videoTracks, audioTracks);
  if (formats.includes("hls")) for (const [name, text] of hls.files) await writeFile(join(tmp, name), text);
  if (formats.includes("dash")) await writeFile(mpdPath, mpd);
  else await rm(mpdPath, { force: true });

  // The same checks as `vps check-package` (parsers, files, durations against the source, declared
  // rates and codecs against the segments), before anything is published.
  const report = await checkPackage(tmp, title.title.content.source ? { source: title.title.content.source } : {}, localTools);
  const problems = report.manifests.flatMap((m) => m.problems.map((p) => `${basename(m.path)}: ${p}`));
  if (problems.length > 0) {
    await rm(tmp, { recursive: true, force: true });
    throw new Error(`the ${deliverable} package fails its check: ${problems.slice(0, 3).join("; ")}${problems.length > 3 ? `; and ${problems.length - 3} more` : ""}`);
  }
  await rm(final, { recursive: true, force: true });
  await rename(tmp, final);
  const dims = new Map(videoTracks.map((v) => [v.name, v]));
  return {
    formats: [...formats],
    manifests: { ...(formats.includes("hls") ? { hls: `${deliverable}/master.m3u8` } : {}), ...(formats.includes("dash") ? { dash: `${deliverable}/${MPD_NAME}` } : {}) },
    segmentSeconds: seconds,
    audio: audioTracks.map((a) => ({ name: a.name, codecs: a.codecs, channels: a.channels })),
    variants: hls.variants.map((v) => ({ ...v, width: dims.get(v.name)!.width, height: dims.get(v.name)!.height })),
  };
}

/** Every file of a package folder, relative to the title's folder (for title.json's checksums). */
export async function packageFiles(titleDir: string, deliverable: string): Promise<string[]> {
  const dir = join(titleDir, deliverable);
  const names = (await readdir(dir).catch(() => [] as string[])).sort();
  return names.map((n) => `${deliverable}/${n}`);
}
