// Loading the recipe library: one YAML file per deliverable (recipes/*.yaml), each with a
// generic recipe and per-class ones. Problems of every file are reported together.
import { readdirSync } from "node:fs";
import { readUserFile } from "./read";
import { join } from "node:path";
import type { AudioProfile, Codec, ContentClass, DowngradeStep, FallbackEncoder, PackageFormat, Recipe, RecipeBook, Rendition } from "../model";
import { InputError, type Problem } from "../util/errors";
import { ProblemList, isRecord, list, num, rec, str, type Path } from "./problems";
import { recipeFileSchema } from "./schemas";
import { parseYaml, posOf, validateSchema } from "./yaml";
import { ENCODERS, encodersFor, isEncoder } from "../encode/encoders";
import { HLS_CODECS } from "../recipes/delivery";

const RECIPE_FILE = /\.ya?ml$/;

/** Every *.yaml / *.yml in `dir`, sorted by file name, as one book. */
export function loadRecipeDir(dir: string): RecipeBook {
  const files = listRecipeFiles(dir);
  const recipes: Recipe[] = [];
  const problems: Problem[] = [];
  const owner = new Map<string, string>();
  for (const name of files) {
    const file = join(dir, name);
    const result = checkRecipeFile(file, readText(file));
    problems.push(...result.problems);
    const deliverable = result.recipes[0]?.deliverable;
    if (deliverable === undefined) continue;
    const first = owner.get(deliverable);
    if (first !== undefined) {
      problems.push({ pos: result.deliverablePos, message: `expected each deliverable in one file only, found "${deliverable}" also in ${first}` });
      continue;
    }
    owner.set(deliverable, name);
    recipes.push(...result.recipes);
    problems.push(...audioClashes(recipes, result.recipes, owner, result.audioPos));
  }
  if (problems.length > 0) throw new InputError(`${dir}: invalid recipe library (${problems.length} problems)`, problems);
  return { recipes };
}

function listRecipeFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such directory" : code === "ENOTDIR" ? "not a directory" : (e as Error).message;
    throw new InputError(`cannot read recipe library ${dir}: ${reason}`);
  }
  // Sorted by code unit, not locale, so every machine loads the files in the same order.
  const files = names.filter((n) => RECIPE_FILE.test(n)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (files.length === 0) throw new InputError(`no recipe files (*.yaml, *.yml) in ${dir}`);
  return files;
}

function readText(file: string): string {
  return readUserFile(file, "recipe file");
}

/** The recipes of one file; throws one InputError with every problem in it. */
export function loadRecipeText(file: string, text: string): Recipe[] {
  const result = checkRecipeFile(file, text);
  if (result.problems.length > 0) throw new InputError(`${file}: invalid recipe file`, result.problems);
  return result.recipes;
}

interface FileResult {
  recipes: Recipe[];
  problems: Problem[];
  deliverablePos: Problem["pos"];
  /** Where each audio rendition is written (`audio[i]`), for problems found across files. */
  audioPos: Problem["pos"][];
}

/**
 * A title encodes each audio rendition once, by name, for every deliverable naming it: two files
 * giving one name different codecs or bitrates would make one of them wrong.
 */
function audioClashes(all: readonly Recipe[], added: readonly Recipe[], owner: ReadonlyMap<string, string>, at: readonly Problem["pos"][]): Problem[] {
  const first = added[0];
  if (!first?.audio) return [];
  const problems: Problem[] = [];
  first.audio.forEach((a, i) => {
    const other = all.find((r) => r.deliverable !== first.deliverable && r.audio?.some((b) => b.name === a.name));
    const b = other?.audio?.find((x) => x.name === a.name);
    if (!other || !b || (b.codec === a.codec && b.bitrateKbps === a.bitrateKbps && b.channels === a.channels)) return;
    problems.push({ pos: at[i] ?? at[0]!, message: `expected audio ${a.name} to be the same as in ${owner.get(other.deliverable)} (${b.codec} ${b.bitrateKbps} kb/s, ${b.channels} channels), found ${a.codec} ${a.bitrateKbps} kb/s, ${a.channels} channels: give it another name` });
  });
  return problems;
}

function checkRecipeFile(file: string, text: string): FileResult {
  let parsed: ReturnType<typeof parseYaml>;
  try {
    parsed = parseYaml(file, text);
  } catch (e) {
    if (e instanceof InputError) return { recipes: [], problems: e.problems, deliverablePos: { file, line: 1, col: 1, path: "deliverable" }, audioPos: [] };
    throw e;
  }
  const { source, data } = parsed;
  const problems = new ProblemList(source, validateSchema(source, data, recipeFileSchema));
  const recipes = isRecord(data) ? normaliseFile(data) : [];
  if (isRecord(data)) checkFile(data, recipes, problems);
  try {
    problems.throwIfAny("recipe file");
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return { recipes: [], problems: e.problems, deliverablePos: posOf(source, ["deliverable"]), audioPos: [] };
  }
  const audioPos = (recipes[0]?.audio ?? []).map((_, i) => posOf(source, ["audio", i]));
  return { recipes, problems: [], deliverablePos: posOf(source, ["deliverable"]), audioPos };
}

function normaliseFile(data: Record<string, unknown>): Recipe[] {
  const deliverable = str(data.deliverable, "");
  const fallback = isRecord(data.fallback) ? fallbackOf(data.fallback) : null;
  const delivery = deliveryOf(data);
  return list(data.recipes).map((raw) => {
    const r = rec(raw);
    const contentClass = str(r.class, "generic") as ContentClass;
    return {
      id: `${deliverable}/${contentClass}`,
      deliverable,
      contentClass,
      codec: str(data.codec, "h264") as Codec,
      encoder: str(data.encoder, ""),
      preset: str(r.preset, ""),
      pool: str(data.pool, ""),
      hdr: data.hdr === true,
      bitDepth: num(data.bitDepth, 8),
      // Copied: YAML aliases make recipes share one settings object otherwise.
      settings: { ...rec(r.settings) } as Recipe["settings"],
      reason: str(r.reason, ""),
      ladder: sortLadder(list(r.ladder).map((x) => rendition(rec(x)))),
      downgrades: list(r.downgrades).map((d) => downgrade(rec(d))),
      ...(fallback ? { fallback: { ...fallback, settings: { ...fallback.settings } } } : {}),
      ...(delivery.audio ? { audio: delivery.audio.map((a) => ({ ...a })) } : {}),
      ...(delivery.package ? { package: [...delivery.package] } : {}),
      ...(delivery.segmentSeconds === undefined ? {} : { segmentSeconds: delivery.segmentSeconds }),
    };
  });
}

/** The file's audio, package and segment fields, as written (absent ones take recipes/delivery.ts's defaults). */
function deliveryOf(data: Record<string, unknown>): Pick<Recipe, "audio" | "package" | "segmentSeconds"> {
  const out: Pick<Recipe, "audio" | "package" | "segmentSeconds"> = {};
  if (Array.isArray(data.audio)) {
    out.audio = list(data.audio).map((raw): AudioProfile => {
      const a = rec(raw);
      return { name: str(a.name, ""), codec: str(a.codec, "aac") as AudioProfile["codec"], bitrateKbps: num(a.bitrateKbps, 128), channels: num(a.channels, 2) };
    });
  }
  if (Array.isArray(data.package)) out.package = list(data.package).map((p) => str(p, "hls") as PackageFormat);
  if (typeof data.segmentSeconds === "number") out.segmentSeconds = data.segmentSeconds;
  return out;
}

function fallbackOf(f: Record<string, unknown>): FallbackEncoder {
  return { encoder: str(f.encoder, ""), preset: str(f.preset, ""), settings: { ...rec(f.settings) } as FallbackEncoder["settings"], reason: str(f.reason, "") };
}

function rendition(r: Record<string, unknown>): Rendition {
  return { name: str(r.name, ""), width: num(r.width, 0), height: num(r.height, 0), bitrateKbps: num(r.bitrateKbps, 0) };
}

/** Highest resolution first (ties: higher bitrate first); authors may list rungs in any order. */
function sortLadder(ladder: Rendition[]): Rendition[] {
  return [...ladder].sort((a, b) => b.width * b.height - a.width * a.height || b.bitrateKbps - a.bitrateKbps);
}

function downgrade(d: Record<string, unknown>): DowngradeStep {
  const qualityCost = num(d.qualityCost, 0);
  if (d.step === "faster-preset") return { step: "faster-preset", preset: str(d.preset, ""), workFactor: num(d.workFactor, 1), qualityCost };
  if (d.step === "defer-rendition") return { step: "defer-rendition", rendition: str(d.rendition, ""), qualityCost };
  return { step: "drop-top-rung", qualityCost };
}

// ---- rules ---------------------------------------------------------------------------------

function checkFile(data: Record<string, unknown>, recipes: Recipe[], problems: ProblemList): void {
  checkHdrFile(data, problems);
  const encoderOk = checkEncoder(data, problems);
  checkClasses(recipes, problems);
  checkFallback(data, recipes[0]?.fallback, problems);
  checkPackageFormats(data, problems);
  recipes.forEach((r, i) => {
    if (!problems.ok(["recipes", i])) return;
    if (encoderOk) checkSettings(r, ["recipes", i, "settings"], problems);
    checkRungNames(rec(list(data.recipes)[i]), i, problems);
    if (problems.clean(["recipes", i, "ladder"])) checkDowngrades(r, i, problems);
  });
}

/** HDR10/HLG carry 10-bit BT.2020 video; H.264 and VP9 profiles are not how we ship HDR. */
function checkHdrFile(data: Record<string, unknown>, problems: ProblemList): void {
  if (data.hdr !== true || !problems.ok(["hdr"], ["bitDepth"], ["codec"])) return;
  if (data.bitDepth !== 10) problems.add(["hdr"], `expected bitDepth: 10 with hdr: true, found bitDepth ${String(data.bitDepth ?? 8)}`, true);
  if (data.codec !== "hevc" && data.codec !== "av1") problems.add(["hdr"], `expected codec hevc or av1 with hdr: true, found ${String(data.codec)}`, true);
}

/**
 * vps writes each encode's ffmpeg command, so it must know the encoder, and the encoder must make
 * the file's codec. H.264 ships at 8 bits: High 10 plays on almost no device (10-bit is HEVC, AV1, VP9).
 */
function checkEncoder(data: Record<string, unknown>, problems: ProblemList): boolean {
  if (!problems.ok(["encoder"], ["codec"])) return false;
  const codec = data.codec as Recipe["codec"];
  const known = encodersFor(codec);
  const encoder = str(data.encoder, "");
  if (!isEncoder(encoder) || ENCODERS[encoder].codec !== codec) {
    problems.add(["encoder"], `expected an encoder vps writes commands for with codec ${codec} (${known.join(", ")}), found "${encoder}"`);
    return false;
  }
  if (codec === "h264" && data.bitDepth !== undefined && data.bitDepth !== 8 && problems.ok(["bitDepth"])) {
    problems.add(["bitDepth"], `expected bitDepth 8 with codec h264 (10-bit H.264 plays on almost no device; use hevc, av1 or vp9), found ${String(data.bitDepth)}`);
  }
  return true;
}

/**
 * Settings must survive the trip into ffmpeg: inside -x264-params/-x265-params/-svtav1-params a
 * ':' or '=' in a value would split it, and libvpx-vp9 takes only its own options.
 */
function checkSettings(r: Pick<Recipe, "encoder" | "settings">, where: Path, problems: ProblemList): void {
  const info = ENCODERS[r.encoder as keyof typeof ENCODERS];
  for (const [key, value] of Object.entries(r.settings)) {
    const at: Path = [...where, key];
    if (!problems.ok(at)) continue;
    if (info.knownOptions !== null && !info.knownOptions.includes(key)) {
      problems.add(at, `expected a ${r.encoder} option (${info.knownOptions.join(", ")}), found "${key}"`, true);
    } else if (info.paramsOption !== null && /[:=]/.test(String(value))) {
      problems.add(at, `expected a value without ':' or '=' (they separate ${info.paramsOption} entries; write pairs with a comma, "-1,-1"), found ${JSON.stringify(value)}`);
    } else if (/[:=\s]/.test(key)) {
      problems.add(at, `expected a parameter name without ':', '=' or spaces, found "${key}"`, true);
    }
  }
}

/** The fallback must make the same codec (the output check expects it) with an encoder vps knows, other than the deliverable's own. */
function checkFallback(data: Record<string, unknown>, fallback: FallbackEncoder | undefined, problems: ProblemList): void {
  if (!fallback || !problems.ok(["fallback"], ["codec"])) return;
  const codec = data.codec as Codec;
  const others = encodersFor(codec).filter((e) => e !== data.encoder);
  if (!isEncoder(fallback.encoder) || ENCODERS[fallback.encoder].codec !== codec || fallback.encoder === data.encoder) {
    const what = others.length > 0 ? `another encoder vps writes commands for with codec ${codec} (${others.join(", ")})` : `another encoder with codec ${codec}, but vps knows no other`;
    problems.add(["fallback", "encoder"], `expected ${what}, found "${fallback.encoder}"`);
    return;
  }
  checkSettings(fallback, ["fallback", "settings"], problems);
}

function checkPackageFormats(data: Record<string, unknown>, problems: ProblemList): void {
  if (!Array.isArray(data.package) || !problems.ok(["package"], ["codec"])) return;
  const at = data.package.indexOf("hls");
  if (at >= 0 && !HLS_CODECS.includes(String(data.codec))) {
    problems.add(["package", at], `expected no hls for codec ${String(data.codec)} (HLS carries ${HLS_CODECS.join(", ")}; no common player plays ${String(data.codec)} over HLS): ship it as dash`);
  }
}

function checkClasses(recipes: Recipe[], problems: ProblemList): void {
  if (!problems.ok(["recipes"])) return;
  const seen = new Set<string>();
  recipes.forEach((r, i) => {
    if (!problems.ok(["recipes", i, "class"])) return;
    if (seen.has(r.contentClass)) {
      const what = r.contentClass === "generic" ? "exactly one generic recipe" : "one recipe per class";
      problems.add(["recipes", i, "class"], `expected ${what}, found class ${r.contentClass} again`);
    }
    seen.add(r.contentClass);
  });
  if (!seen.has("generic") && recipes.every((_, i) => problems.ok(["recipes", i, "class"]))) {
    problems.add(["recipes"], "expected exactly one recipe with class: generic (it serves every other class), found none");
  }
}

/** Checked on the ladder as written, not the sorted one, so the position is the rung's own. */
function checkRungNames(written: Record<string, unknown>, i: number, problems: ProblemList): void {
  const seen = new Set<string>();
  list(written.ladder).forEach((raw, j) => {
    const name = str(rec(raw).name, "");
    if (seen.has(name)) problems.add(["recipes", i, "ladder", j, "name"], `expected unique rung names, found "${name}" again`);
    seen.add(name);
  });
}

function checkDowngrades(r: Recipe, i: number, problems: ProblemList): void {
  const names = r.ladder.map((x) => x.name);
  const deferred = new Set<string>();
  let dropped = 0;
  r.downgrades.forEach((d, j) => {
    const at: Path = ["recipes", i, "downgrades", j];
    if (!problems.ok(at)) return;
    if (d.step === "defer-rendition") {
      if (!names.includes(d.rendition)) {
        problems.add([...at, "rendition"], `expected a rung of this ladder (${names.join(", ")}), found "${d.rendition}"`);
      } else if (deferred.has(d.rendition)) {
        problems.add([...at, "rendition"], `expected each rung deferred once, found "${d.rendition}" again`);
      }
      deferred.add(d.rendition);
    }
    if (d.step === "drop-top-rung") {
      dropped += 1;
      // Dropping every rung would leave nothing to publish.
      if (dropped >= names.length) problems.add(at, `expected at least one rung left, found ${dropped} drop-top-rung steps for ${names.length} rungs`);
    }
  });
}
