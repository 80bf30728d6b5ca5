// The publish step of a real run (src/run/package.ts makes each deliverable's package first, under
// the title's staging folder .work/<title>/package/<deliverable>/):
//   publish  writes title.json (per deliverable its package — formats, manifests, what each rung
//            declares — its renditions, and every file's size and sha256; the source, on-time,
//            downgrades) into the staging folder, fsyncs it, and renames the folder to
//            published/<title> in one step: a reader sees the whole title or none of it.
// A title already published (a deferred rendition's follow-up, or a re-run) is re-staged with what
// is published plus what is new, and swapped in: the old folder is moved aside, the new one renamed
// in, the old one removed, so published/<title> is never a half-written folder.
import { closeSync, fsyncSync, openSync, writeSync } from "node:fs";
import { copyFile, link, lstat, mkdir, readdir, readFile, rename, rm, stat, symlink } from "node:fs/promises";
import { join, relative } from "node:path";
import type { Analysis } from "../content/types";
import { sha256File } from "../content/analyse";
import { renditionPath } from "../encode/argv";
import { type SimState, type SimTask, type SimTitle, sourceTitle } from "../sched/state";
import type { OutputRecord } from "./journal";
import { exists, publishedDir, type RunLayout, stagingDir } from "./layout";
import type { TaskRecord } from "./local";
import { packageFiles, type PackageSummary } from "./package";


/** Links `from` to `to` (replacing it), or copies where a link cannot be made (another device). */
async function place(from: string, to: string): Promise<void> {
  await rm(to, { force: true });
  try {
    await link(from, to);
  } catch {
    await copyFile(from, to);
  }
}

/**
 * Re-stages what is already published that the new staging does not hold (files keep their
 * links). A deliverable packaged anew is taken whole from the new staging: none of its old files
 * (segments of a rung it no longer has) may linger in it.
 */
async function restage(from: string, to: string, top = true): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const src = join(from, entry.name);
    const dst = join(to, entry.name);
    if (entry.isDirectory()) {
      if (!(top && (await exists(dst)))) await restage(src, dst, false);
    } else if (entry.name !== "title.json" && !(await exists(dst))) await place(src, dst);
  }
}

function writeSynced(path: string, text: string): void {
  const fd = openSync(path, "w");
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

interface FileEntry {
  path: string;
  bytes: number;
  sha256: string;
}

interface DeliverableEntry {
  deliverable: string;
  package?: PackageSummary;
  files: FileEntry[];
  [key: string]: unknown;
}

interface Manifest {
  publishedAt: string;
  deliverables: DeliverableEntry[];
  [key: string]: unknown;
}

/** Every checked output of the run, by its path relative to the work directory. */
function outputsByPath(records: ReadonlyMap<string, TaskRecord>): Map<string, OutputRecord> {
  return new Map([...records.values()].flatMap((r) => r.outputs.map((o) => [o.path, o] as const)));
}

/** This run's packages of the title, by deliverable. */
function packagesOf(state: SimState, title: SimTitle, records: ReadonlyMap<string, TaskRecord>): Map<string, PackageSummary> {
  const out = new Map<string, PackageSummary>();
  for (const t of state.tasks) {
    if (t.task.kind !== "package" || t.task.deliverable === null || sourceTitle(state, t) !== title) continue;
    const summary = records.get(t.task.id)?.package;
    if (summary) out.set(t.task.deliverable, summary);
  }
  return out;
}

async function fileEntry(dir: string, path: string): Promise<FileEntry> {
  const file = join(dir, path);
  return { path, bytes: (await stat(file)).size, sha256: await sha256File(file, file) };
}

async function manifest(state: SimState, title: SimTitle, staging: string, layout: RunLayout, records: ReadonlyMap<string, TaskRecord>, analysis: Analysis | undefined, before: Manifest | null): Promise<Manifest> {
  const outputs = outputsByPath(records);
  const packages = packagesOf(state, title, records);
  const deliverables: DeliverableEntry[] = [];
  for (const d of title.deliverables) {
    if (!(await exists(join(staging, d.deliverable)))) continue;
    // A deliverable not packaged in this run (a follow-up republishing another) keeps what was said of it.
    const summary = packages.get(d.deliverable) ?? before?.deliverables.find((x) => x.deliverable === d.deliverable)?.package;
    const declared = new Map((summary?.variants ?? []).map((v) => [v.name, v]));
    const renditions = d.renditions
      .filter((r) => declared.has(r.rendition.name))
      .map((r) => {
        const out = outputs.get(relative(layout.work, renditionPath(layout.work, title.id, d.deliverable, r.rendition.name, null)));
        const v = declared.get(r.rendition.name)!;
        return {
          name: r.rendition.name,
          codec: d.recipe.codec,
          encoder: d.recipe.encoder,
          width: v.width,
          height: v.height,
          targetKbps: Math.round(r.rendition.bitrateKbps),
          bandwidth: v.bandwidth,
          averageBandwidth: v.averageBandwidth,
          codecs: v.codecs,
          deferred: r.status === "deferred" || undefined,
          ...(out ? { frames: out.frames, duration: out.duration, sha256: out.sha256 } : {}),
        };
      });
    const files = await Promise.all((await packageFiles(staging, d.deliverable)).map((f) => fileEntry(staging, f)));
    deliverables.push({ deliverable: d.deliverable, recipe: d.recipe.id, ...(summary ? { package: summary } : {}), renditions, files });
  }
  return {
    title: title.id,
    tier: title.tier,
    source: analysis ? { file: analysis.file, sha256: analysis.sha256, duration: title.title.content.duration, fps: title.title.content.fps } : null,
    publishedAt: "",
    runSeconds: Math.round(state.now * 1000) / 1000,
    deadline: title.deadline,
    onTime: title.deadline === null ? null : state.now <= title.deadline,
    downgrades: title.downgrades,
    failedRenditions: title.failedRenditions,
    deliverables,
  };
}

/** Where published titles' versions live, beside the links that name them (hidden: not a title). */
export const VERSIONS = ".versions";

/** Every file a published title.json lists is there with the sha256 it lists (nothing damaged it since). */
async function intact(dir: string, m: Manifest): Promise<boolean> {
  for (const d of m.deliverables) {
    if (!Array.isArray(d.files)) return false;
    for (const f of d.files) {
      const file = join(dir, f.path);
      const sha = await sha256File(file, file).catch(() => null);
      if (sha !== f.sha256) return false;
    }
  }
  return true;
}

/** The title.json already published there, if any. */
async function publishedManifest(dir: string): Promise<Manifest | null> {
  try {
    return JSON.parse(await readFile(join(dir, "title.json"), "utf8")) as Manifest;
  } catch {
    return null;
  }
}

/**
 * Publishes the title of publish task `t` (title.json stamped `publishedAt`, then one rename into
 * published/) and returns its folder. A title published before with the very same renditions
 * (a resumed run) is left as it is.
 */
export async function publishTitle(state: SimState, t: SimTask, layout: RunLayout, records: ReadonlyMap<string, TaskRecord>, analyses: ReadonlyMap<string, Analysis>, publishedAt: string, keepWork = false): Promise<string> {
  const title = sourceTitle(state, t);
  const dir = await publish(state, title, layout, records, analyses, publishedAt);
  // The mezzanine and the chunks are only inputs of the title's encodes and joins: once it is
  // published (and no deferred rendition of it still has to read them) they go, for they are
  // large (a lossless mezzanine is tens of GB an hour). The renditions stay: they share their
  // bytes with the published files (hard links) and let a re-run check what it need not redo.
  // The renditions and the audio go too (their bytes are in the package), unless --keep-work, or
  // a later run may package them again: a title published without a failed rendition.
  const followUp = title.followUp === null ? null : state.titles[title.followUp]!;
  const keep = keepWork || title.failedRenditions.length > 0;
  if (!followUp || followUp.idx === t.titleIdx || followUp.finish !== null) await removeIntermediates(join(layout.work, title.id), keep);
  return dir;
}

/** Outputs that only feed other tasks of the title: the normalised mezzanine and rendition chunks. */
export const isIntermediate = (path: string): boolean => /(^|\/)mezzanine\.mkv$|\.c\d{3}\.mp4$/.test(path);

/** Outputs removed once their title is published: the intermediates, and (without --keep-work) the renditions and audio. */
export const removedAfterPublish = (path: string, keepWork: boolean): boolean => isIntermediate(path) || (!keepWork && /\.mp4$/.test(path) && !/(^|\/)package\//.test(path));

async function removeIntermediates(dir: string, keepWork: boolean): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== "package") await removeIntermediates(path, keepWork);
    } else if (removedAfterPublish(path, keepWork)) await rm(path, { force: true });
  }
}

/** The title is in published/ whole: its title.json lists renditions that are all there, byte for byte. */
export async function publishedWhole(layout: RunLayout, title: string): Promise<boolean> {
  const dir = publishedDir(layout, title);
  const m = await publishedManifest(dir);
  return m !== null && (await intact(dir, m));
}

async function publish(state: SimState, title: SimTitle, layout: RunLayout, records: ReadonlyMap<string, TaskRecord>, analyses: ReadonlyMap<string, Analysis>, publishedAt: string): Promise<string> {
  const staging = stagingDir(layout, title.id);
  const target = publishedDir(layout, title.id);
  await mkdir(layout.published, { recursive: true });
  const before = await publishedManifest(target);
  if (before !== null || (await exists(target))) await restage(target, staging);
  await mkdir(staging, { recursive: true });
  const doc = { ...(await manifest(state, title, staging, layout, records, analyses.get(title.id), before)), publishedAt };
  if (before && JSON.stringify(before.deliverables) === JSON.stringify(doc.deliverables) && (await intact(target, before))) {
    await rm(staging, { recursive: true, force: true });
    return target;
  }
  writeSynced(join(staging, "title.json"), `${JSON.stringify(doc, undefined, 2)}\n`);
  await swapIn(layout, title.id, staging);
  return target;
}

/**
 * published/<title> is a symbolic link to the title's current version (published/.versions/<title>/<n>):
 * a new version is renamed into place beside the old one and the link replaced by one rename, so a
 * reader (a CDN origin) opening published/<title>/… sees the old title or the new one, whole, never
 * neither; files it already holds open stay readable. Versions the link no longer names (the old one,
 * or one a killed run left unlinked) are removed after the swap.
 */
async function swapIn(layout: RunLayout, title: string, staging: string): Promise<void> {
  const target = publishedDir(layout, title);
  const versions = join(layout.published, VERSIONS, title);
  await mkdir(versions, { recursive: true });
  const taken = (await readdir(versions)).map(Number).filter((n) => Number.isInteger(n));
  const next = String(Math.max(0, ...taken) + 1);
  await rename(staging, join(versions, next));
  // A folder published by an earlier vps (before links): moved under the versions, then linked.
  if ((await lstat(target).catch(() => null))?.isDirectory()) await rename(target, join(versions, `${next}-old`));
  const link = join(layout.published, `.${title}.link-${process.pid}`);
  await rm(link, { force: true });
  await symlink(join(VERSIONS, title, next), link);
  await rename(link, target);
  for (const v of await readdir(versions)) if (v !== next) await rm(join(versions, v), { recursive: true, force: true });
}
