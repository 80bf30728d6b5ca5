// The page --play loads in Chromium, and the script it runs there. The script is plain browser
// JavaScript kept as text: vps is compiled without the DOM's types (lib ES2022), and a string
// survives the esbuild bundle unchanged. `window.vpsPlay(options, rung)` plays one manifest with
// hls.js or dash.js, that rung forced with ABR off, and resolves to what happened (PageResult).
// Node loads the page afresh for every run: nothing one player leaves behind (dash.js keeps the
// last bit rate in localStorage, a failed MediaSource) can steer the next.

/** What node hands the page for one manifest. */
export interface PageOptions {
  url: string;
  kind: "hls" | "dash";
  /** Seconds: the package's duration, when the player does not say. */
  duration: number;
  /** Seconds of one video frame: how short of the duration "the end" may stop. */
  frame: number;
  playbackRate: number;
  /** Each wait's limit; playing to the end gets the duration ÷ rate on top. */
  timeoutMs: number;
}

export interface PageRung {
  id: string;
  /** hls.js Level.uri (absolute) or dash.js Representation.id. */
  key: string;
  width: number;
  height: number;
  /** MIME types with codecs for MediaSource.isTypeSupported; empty when the manifest declares none. */
  types: string[];
}

export interface PageResult {
  result: "decoded" | "not playable in this browser" | "failed";
  detail: string;
}

export const PLAYER_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>vps check-package</title>
<script src="/__vps/hls.js"></script>
<script src="/__vps/dash.js"></script>
<script src="/__vps/player.js"></script>
</head><body></body></html>
`;

export const PLAYER_SCRIPT = String.raw`"use strict";
(function () {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const size = (v) => v.videoWidth + "x" + v.videoHeight;
  // A rung's wanted size is its display size (play.ts applies its sample aspect ratio); the browser
  // rounds its own way, so a pixel either side of the width is the same picture.
  const shows = (v, rung) => v.videoHeight === rung.height && Math.abs(v.videoWidth - rung.width) <= 1;
  const at = (v) => v.currentTime.toFixed(3) + " s";

  /** Polls test() every 50 ms; a timeout says what was awaited and what was reached. */
  async function waitUntil(what, test, ms, reached) {
    const until = performance.now() + ms;
    while (!test()) {
      if (performance.now() > until) throw new Error("timed out after " + (ms / 1000).toFixed(1) + " s waiting for " + what + "; reached " + reached());
      await sleep(50);
    }
  }

  function describe(e) {
    if (!e) return "unknown error";
    if (typeof e === "string") return e;
    return [e.code, e.message].filter((x) => x !== undefined && x !== "").join(" ") || JSON.stringify(e);
  }

  /** Errors a player recovers from, counted: they explain a rung that would not show or play. */
  function tally() {
    const counts = new Map();
    return {
      add: (what) => counts.set(what, (counts.get(what) || 0) + 1),
      text: () => [...counts].map(([k, n]) => (n > 1 ? k + " ×" + n : k)).join(", "),
    };
  }

  // Loading starts only once the rung is chosen, so no other rung is fetched first.
  function hlsPlayer(video, url, fatal, recovered) {
    const hls = new Hls({ autoStartLoad: false, capLevelToPlayerSize: false });
    let parsed = false;
    let forced = null;
    hls.on(Hls.Events.MANIFEST_PARSED, () => (parsed = true));
    hls.on(Hls.Events.ERROR, (_e, d) => {
      const what = d.type + " error " + d.details + (d.reason ? " (" + d.reason + ")" : "");
      if (d.fatal) fatal.push("hls.js fatal " + what + (d.error ? ": " + describe(d.error) : ""));
      else recovered.add(d.details);
    });
    // hls.js leaves a rung it cannot play for another (its emergency switch down), forced or not:
    // that is this rung failing.
    hls.on(Hls.Events.LEVEL_SWITCHING, (_e, d) => {
      if (forced !== null && d.level !== forced) fatal.push("hls.js left the rung for its level " + d.level);
    });
    hls.loadSource(url);
    hls.attachMedia(video);
    return {
      ready: () => parsed,
      levels: () => hls.levels.map((l, index) => ({ index, key: l.uri, width: l.width, height: l.height })),
      start: (level) => {
        if (level) {
          forced = level.index;
          hls.startLevel = level.index;
          hls.currentLevel = level.index;
        }
        hls.startLoad(0);
      },
      destroy: () => hls.destroy(),
    };
  }

  // dash.js fetches its first choice's segments before it reports the stream ready, and a forced
  // switch after that leaves those frames on screen: so the other video rungs are filtered out
  // before it starts, and the rung is then also selected by id.
  function dashPlayer(video, url, fatal, rung) {
    const events = dashjs.MediaPlayer.events;
    const player = dashjs.MediaPlayer().create();
    const isVideo = (r) => String(r.mimeType || "").startsWith("video") || (r.mediaInfo && r.mediaInfo.type === "video");
    if (rung) player.registerCustomCapabilitiesFilter((r) => !isVideo(r) || r.id === rung.key);
    player.updateSettings({
      debug: { logLevel: 0 },
      // No bit rate or track remembered from an earlier run: each run starts where it is told.
      streaming: {
        abr: { autoSwitchBitrate: { video: false, audio: false } },
        lastBitrateCachingInfo: { enabled: false },
        lastMediaSettingsCachingInfo: { enabled: false },
      },
    });
    let ready = false;
    let forced = null;
    player.on(events.STREAM_INITIALIZED, () => (ready = true));
    player.on(events.ERROR, (e) => fatal.push("dash.js error: " + describe(e.error)));
    player.on(events.PLAYBACK_ERROR, (e) => fatal.push("dash.js playback error: " + describe(e.error)));
    player.on(events.QUALITY_CHANGE_REQUESTED, (e) => {
      const id = e.newRepresentation && e.newRepresentation.id;
      if (e.mediaType === "video" && forced !== null && id !== forced) fatal.push("dash.js left the rung for representation " + id);
    });
    player.initialize(video, url, false);
    return {
      ready: () => ready,
      levels: () => player.getRepresentationsByTypeUnfiltered("video").map((r, index) => ({ index, key: r.id, width: r.width, height: r.height })),
      start: (level) => {
        if (!level) return;
        player.setRepresentationForTypeById("video", level.key, true);
        forced = level.key;
      },
      destroy: () => player.reset(),
    };
  }

  /** A video element and player, with a guard that ends every wait on a fatal error. */
  function session(o, rung) {
    const video = document.createElement("video");
    video.muted = true;
    video.playsInline = true;
    document.body.appendChild(video);
    const errors = [];
    const recovered = tally();
    const alive = () => {
      if (errors.length > 0) throw new Error(errors.join("; "));
      return true;
    };
    video.addEventListener("error", () => errors.push("the video element failed: " + (video.error ? "MediaError " + video.error.code + " " + video.error.message : "unknown")));
    const player = o.kind === "hls" ? hlsPlayer(video, o.url, errors, recovered) : dashPlayer(video, o.url, errors, rung);
    return { video, player, errors, recovered, alive };
  }

  /**
   * One run from the start to the end: with a rung, that rung forced (ABR is off) until the video
   * shows its size, then played through at it; without, the package as it comes (no video rung).
   */
  async function playOnce(s, o, rung) {
    const { video, player, alive } = s;
    await waitUntil("the manifest to load", () => alive() && player.ready(), o.timeoutMs, () => "readyState " + video.readyState);
    const want = rung ? rung.width + "x" + rung.height : null;
    const level = rung ? player.levels().find((l) => l.key === rung.key) : null;
    if (rung && !level) throw new Error("the player lists no such rung (it has " + (player.levels().map((l) => l.key).join(", ") || "none") + ")");
    player.start(level);
    if (rung) {
      video.currentTime = 0;
      await waitUntil("the video to show " + want, () => alive() && video.readyState >= 2 && shows(video, rung), o.timeoutMs, () => size(video) + " at " + at(video));
    }
    video.playbackRate = o.playbackRate;
    video.play().catch((e) => s.errors.push("play() was refused: " + describe(e)));
    const end = () => (Number.isFinite(video.duration) && video.duration > 0 ? video.duration : o.duration) - o.frame;
    const limit = o.timeoutMs + (o.duration / o.playbackRate) * 1000;
    await waitUntil("playback to reach the end", () => alive() && (video.ended || video.currentTime >= end()), limit, () => at(video) + " of " + end().toFixed(3) + " s (" + size(video) + ")");
    if (rung && !shows(video, rung)) throw new Error("ended showing " + size(video) + ", not " + want);
    return want === null ? "played to the end" : "decoded at " + want + ", played to the end";
  }

  /** Plays one rung (or, with null, the whole package) once; run it on a freshly loaded page. */
  window.vpsPlay = async function (o, rung) {
    if (rung) {
      const unsupported = rung.types.filter((t) => !MediaSource.isTypeSupported(t));
      if (unsupported.length > 0) return { result: "not playable in this browser", detail: "MediaSource.isTypeSupported is false for " + unsupported.join(", ") };
    }
    const s = session(o, rung);
    try {
      return { result: "decoded", detail: await playOnce(s, o, rung) };
    } catch (e) {
      const recovered = s.recovered.text();
      return { result: "failed", detail: e.message + (recovered ? " (the player recovered from: " + recovered + ")" : "") };
    } finally {
      try {
        s.player.destroy();
      } catch {
        // The page is thrown away after the run.
      }
    }
  };
})();
`;
