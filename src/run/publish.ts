// The package and publish steps of a real run, as a plain folder per title (HLS/DASH packaging
// replaces the package step later):
//   package  links the deliverable's checked renditions into the title's staging folder
//            (.work/<title>/package/<deliverable>/<rendition>.mp4; a hard link, a copy across devices)
//   publish  writes title.json (renditions, codecs, sizes, durations, checksums, on-time, downgrades)
//            into the staging folder, fsyncs it, and renames the folder to published/<title> in one
//            step: a reader sees the whole title or none of it, whenever vps is killed.
// A title already published (a deferred rendition's follow-up, or a re-run) is re-staged with what
// is published plus what is new, and swapped in: the old folder is moved aside, the new one renamed
// in, the old one removed, so published/<title> is never a half-written folder.
import { closeSync, fsyncSync, openSync, writeSync } from "node:fs";
import { copyFile, link, mkdir, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { basename, join, relative } from "node:path";
import type { Analysis } from "../content/types";
import { sha256File } from "../content/analyse";
import { renditionPath } from "../encode/argv";
import { type SimState, type SimTask, type SimTitle, sourceTitle } from "../sched/state";
import type { OutputRecord } from "./journal";
import { publishedDir, type RunLayout, stagingDir } from "./layout";
import type { TaskRecord } from "./local";

const exists = (path: string) => stat(path).then(
  () => true,
  () => false,
);

/** Links `from` to `to` (replacing it), or copies where a link cannot be made (another device). */
async function place(from: string, to: string): Promise<void> {
  await rm(to, { force: true });
  try {
    await link(from, to);
  } catch {
    await copyFile(from, to);
  }
}

/** The renditions a package task gathers: a follow-up's one deferred rendition, else the deliverable's active ones. */
function renditionsOf(state: SimState, t: SimTask): string[] {
  if (t.task.rendition !== null) return [t.task.rendition];
  const title = state.titles[t.titleIdx]!;
  const d = title.deliverables.find((x) => x.deliverable === t.task.deliverable);
  return d ? d.renditions.filter((r) => r.status === "active").map((r) => r.rendition.name) : [];
}

export async function packageDeliverable(state: SimState, t: SimTask, layout: RunLayout): Promise<void> {
  const title = sourceTitle(state, t).id;
  const deliverable = t.task.deliverable;
  if (deliverable === null) return;
  const dir = join(stagingDir(layout, title), deliverable);
  await mkdir(dir, { recursive: true });
  for (const name of renditionsOf(state, t)) {
    const file = renditionPath(layout.work, title, deliverable, name, null);
    if (!(await exists(file))) throw new Error(`rendition ${relative(layout.out, file)} is missing at packaging`);
    await place(file, join(dir, basename(file)));
  }
}

/** Re-stages what is already published that the new staging does not hold (files keep their links). */
async function restage(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const src = join(from, entry.name);
    const dst = join(to, entry.name);
    if (entry.isDirectory()) await restage(src, dst);
    else if (entry.name !== "title.json" && !(await exists(dst))) await place(src, dst);
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

interface Manifest {
  publishedAt: string;
  deliverables: unknown[];
  [key: string]: unknown;
}

/** Every checked output of the run, by its path relative to the work directory. */
function outputsByPath(records: ReadonlyMap<string, TaskRecord>): Map<string, OutputRecord> {
  return new Map([...records.values()].flatMap((r) => r.outputs.map((o) => [o.path, o] as const)));
}

async function manifest(state: SimState, title: SimTitle, staging: string, layout: RunLayout, records: ReadonlyMap<string, TaskRecord>, analysis: Analysis | undefined): Promise<Manifest> {
  const outputs = outputsByPath(records);
  const deliverables = [];
  for (const d of title.deliverables) {
    const dir = join(staging, d.deliverable);
    const present = new Set((await exists(dir)) ? await readdir(dir) : []);
    const renditions = d.renditions
      .filter((r) => present.has(`${r.rendition.name}.mp4`))
      .map((r) => {
        const out = outputs.get(relative(layout.work, renditionPath(layout.work, title.id, d.deliverable, r.rendition.name, null)));
        return {
          name: r.rendition.name,
          file: `${d.deliverable}/${r.rendition.name}.mp4`,
          codec: d.recipe.codec,
          encoder: d.recipe.encoder,
          targetKbps: Math.round(r.rendition.bitrateKbps),
          deferred: r.status === "deferred" || undefined,
          ...(out ? { bytes: out.bytes, sha256: out.sha256, frames: out.frames, duration: out.duration } : {}),
        };
      });
    deliverables.push({ deliverable: d.deliverable, recipe: d.recipe.id, renditions });
  }
  return {
    title: title.id,
    tier: title.tier,
    source: analysis ? { file: analysis.file, sha256: analysis.sha256 } : null,
    publishedAt: "",
    runSeconds: Math.round(state.now * 1000) / 1000,
    deadline: title.deadline,
    onTime: title.deadline === null ? null : state.now <= title.deadline,
    downgrades: title.downgrades,
    failedRenditions: title.failedRenditions,
    deliverables,
  };
}

let swaps = 0;

/** Publishes the title of publish task `t`: title.json, then one rename into published/. Returns the folder. */
/** Every rendition a published title.json lists is there with the sha256 it lists (nothing damaged it since). */
async function intact(dir: string, m: Manifest): Promise<boolean> {
  for (const d of m.deliverables as { renditions: { file: string; sha256?: string }[] }[]) {
    for (const r of d.renditions) {
      const file = join(dir, r.file);
      const sha = await sha256File(file, file).catch(() => null);
      if (r.sha256 === undefined || sha !== r.sha256) return false;
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
export async function publishTitle(state: SimState, t: SimTask, layout: RunLayout, records: ReadonlyMap<string, TaskRecord>, analyses: ReadonlyMap<string, Analysis>, publishedAt: string): Promise<string> {
  const title = sourceTitle(state, t);
  const dir = await publish(state, title, layout, records, analyses, publishedAt);
  // The mezzanine and the chunks are only inputs of the title's encodes and joins: once it is
  // published (and no deferred rendition of it still has to read them) they go, for they are
  // large (a lossless mezzanine is tens of GB an hour). The renditions stay: they share their
  // bytes with the published files (hard links) and let a re-run check what it need not redo.
  const followUp = title.followUp === null ? null : state.titles[title.followUp]!;
  if (!followUp || followUp.idx === t.titleIdx || followUp.finish !== null) await removeIntermediates(join(layout.work, title.id));
  return dir;
}

/** Outputs that only feed other tasks of the title: the normalised mezzanine and rendition chunks. */
export const isIntermediate = (path: string): boolean => /(^|\/)mezzanine\.mkv$|\.c\d{3}\.mp4$/.test(path);

async function removeIntermediates(dir: string): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) await removeIntermediates(path);
    else if (isIntermediate(path)) await rm(path, { force: true });
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
  const replacing = before !== null || (await exists(target));
  if (replacing) await restage(target, staging);
  await mkdir(staging, { recursive: true });
  const doc = { ...(await manifest(state, title, staging, layout, records, analyses.get(title.id))), publishedAt };
  if (before && JSON.stringify(before.deliverables) === JSON.stringify(doc.deliverables) && (await intact(target, before))) {
    await rm(staging, { recursive: true, force: true });
    return target;
  }
  writeSynced(join(staging, "title.json"), `${JSON.stringify(doc, undefined, 2)}\n`);
  if (!replacing) {
    await rename(staging, target);
    return target;
  }
  const aside = join(layout.work, title.id, `.published-old-${process.pid}-${++swaps}`);
  await rename(target, aside);
  await rename(staging, target);
  await rm(aside, { recursive: true, force: true });
  return target;
}
