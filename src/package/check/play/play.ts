// --play: the package served on loopback, each manifest played in headless Chromium by hls.js or
// dash.js (page.ts), each video rung forced in turn and played to the end. The browser and the
// server are closed whatever happens.
import { createRequire } from "node:module";
import { join, relative, sep } from "node:path";
import type { Browser, Page } from "puppeteer-core";
import { packageRoot } from "../../../cli/paths";
import type { ManifestReport, RungReport } from "../judge";
import type { Package } from "../load";
import type { PlayedManifest } from "../run";
import type { Manifest } from "../types";
import { findChromium, launchChromium } from "./browser";
import { PLAYER_PAGE, PLAYER_SCRIPT, type PageOptions, type PageResult, type PageRung } from "./page";
import { servePackage, type Asset } from "./server";

/** Each wait in the page (the manifest to load, a rung to show its size) gets this long. */
const WAIT_MS = 20_000;
/** Chromium plays media at most 16× (faster rates are refused). */
const PLAYBACK_RATE = 16;
/** When ffprobe gave no frame rate, "the end" may stop this short of the duration. */
const DEFAULT_FRAME = 0.1;

function assets(): Record<string, Asset> {
  const req = createRequire(join(packageRoot(), "package.json"));
  return {
    "player.html": { text: PLAYER_PAGE, type: "text/html; charset=utf-8" },
    "player.js": { text: PLAYER_SCRIPT, type: "text/javascript" },
    "hls.js": { file: req.resolve("hls.js/dist/hls.min.js") },
    "dash.js": { file: req.resolve("dashjs") },
  };
}

/** The URL path of `file` under the served `dir`. */
export const urlPathOf = (dir: string, file: string): string => `/${relative(dir, file).split(sep).map(encodeURIComponent).join("/")}`;

/**
 * The size a player shows the rung at: its frame size with the sample aspect ratio applied to the
 * width (QCIF at SAR 12:11 displays 192x144), as a browser reports videoWidth × videoHeight.
 */
function sizeOf(r: RungReport, declared: { width: number; height: number } | null): { width: number; height: number } | null {
  const v = Array.isArray(r.probe) ? r.probe.find((s) => s.type === "video") : undefined;
  if (v?.width && v.height) return { width: Math.round(v.width * (v.sar ?? 1)), height: v.height };
  return declared;
}

const typesOf = (codecs: string | null): string[] => (codecs ? [`video/mp4; codecs="${codecs}"`] : []);

/** The video rungs a player is to force, in the manifest's order; those of unknown size are noted. */
export function pageRungs(m: Manifest, report: ManifestReport, url: string, notes: string[]): PageRung[] {
  const byId = new Map(report.rungs.map((r) => [r.id, r]));
  const candidates =
    m.kind === "hls"
      ? m.variants.map((v) => ({ id: v.rung, key: new URL(v.uri, url).href, codecs: v.codecs, declared: v.resolution }))
      : m.rungs.map((r) => ({ id: r.id, key: r.key, codecs: r.codecs, declared: r.width && r.height ? { width: r.width, height: r.height } : null }));
  const rungs: PageRung[] = [];
  for (const c of candidates) {
    const r = byId.get(c.id);
    if (!r || r.kind !== "video" || rungs.some((x) => x.id === c.id)) continue;
    const size = sizeOf(r, c.declared);
    if (size === null) notes.push(`${c.id}: frame size unknown: not forced`);
    else rungs.push({ id: c.id, key: c.key, ...size, types: typesOf(c.codecs) });
  }
  return rungs;
}

export function pageOptions(report: ManifestReport, url: string, kind: Manifest["kind"]): PageOptions {
  const fps = report.rungs.flatMap((r) => (Array.isArray(r.probe) ? r.probe : [])).find((s) => s.type === "video" && s.fps)?.fps;
  return {
    url,
    kind,
    duration: Math.max(0, ...report.rungs.map((r) => r.duration)),
    frame: fps ? 1 / fps : DEFAULT_FRAME,
    playbackRate: PLAYBACK_RATE,
    timeoutMs: WAIT_MS,
  };
}

/** A bound on one run's work in the page: each of its waits, plus loading the page. */
const runLimitMs = (o: PageOptions): number => 3 * (o.timeoutMs + (o.duration / o.playbackRate) * 1000) + 30_000;

/** One run on a freshly loaded page: nothing an earlier player left behind can steer it. */
async function playRun(page: Page, origin: string, o: PageOptions, rung: PageRung | null): Promise<PageResult> {
  const scriptErrors: string[] = [];
  const onError = (e: unknown) => scriptErrors.push(`script error in the page: ${(e as Error).message ?? String(e)}`);
  page.on("pageerror", onError);
  let timer: NodeJS.Timeout | undefined;
  const limit = runLimitMs(o);
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`timed out after ${(limit / 1000).toFixed(0)} s waiting for the page to finish playing`)), limit);
  });
  try {
    await page.goto(`${origin}/__vps/player.html`, { waitUntil: "load", timeout: WAIT_MS });
    // This function runs in the page, where the page script has defined vpsPlay.
    const play = page.evaluate((opts, r) => (globalThis as unknown as { vpsPlay(o: unknown, r: unknown): Promise<PageResult> }).vpsPlay(opts, r), o, rung);
    const r = await Promise.race([play, timeout]);
    return scriptErrors.length === 0 || r.result !== "decoded" ? r : { result: "failed", detail: scriptErrors.join("; ") };
  } catch (e) {
    return { result: "failed", detail: `the browser failed: ${(e as Error).message.split("\n")[0]}` };
  } finally {
    clearTimeout(timer);
    page.off("pageerror", onError);
  }
}

async function playManifest(page: Page, origin: string, pkg: Package, m: Manifest, report: ManifestReport): Promise<PlayedManifest> {
  const notes: string[] = [];
  const url = `${origin}${urlPathOf(pkg.dir, m.file)}`;
  const o = pageOptions(report, url, m.kind);
  const problems: string[] = [];
  const played: PlayedManifest["rungs"] = [];
  const rungs = pageRungs(m, report, url, notes);
  if (rungs.length === 0) {
    // No video rung to force: the package is played through as it comes.
    const r = await playRun(page, origin, o, null);
    if (r.result === "failed") problems.push(`${m.name} (played): ${r.detail}`);
    else notes.push(r.detail);
  }
  for (const rung of rungs) {
    const r = await playRun(page, origin, o, rung);
    played.push({ id: rung.id, width: rung.width, height: rung.height, ...r });
    if (r.result === "failed") problems.push(`${m.name} (played) ${rung.id}: ${r.detail}`);
  }
  if (rungs.length > 0 && played.every((r) => r.result === "not playable in this browser")) problems.push(`${m.name} (played): nothing in it is playable in this browser`);
  return { path: m.name, ok: problems.length === 0, problems, notes, rungs: played };
}

export async function playPackage(pkg: Package, reports: ManifestReport[]): Promise<PlayedManifest[]> {
  const chromium = findChromium();
  const server = await servePackage(pkg.dir, assets());
  let browser: Browser | null = null;
  try {
    browser = await launchChromium(chromium);
    const page = await browser.newPage();
    const played: PlayedManifest[] = [];
    for (const [i, m] of pkg.manifests.entries()) played.push(await playManifest(page, server.origin, pkg, m, reports[i]!));
    return played;
  } finally {
    await browser?.close();
    await server.close();
  }
}
