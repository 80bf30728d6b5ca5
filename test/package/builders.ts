// Builders for check-package's model with sensible defaults: a 3-second 25 fps HLS ladder of two
// H.264 rungs (320x180, 160x90) and one AAC rendition, 1-second segments, every file present.
import type { Facts, Manifest, ProbedStream, Rung, RungFacts, Variant } from "../../src/package/check/types";

export function aVideoStream(over: Partial<ProbedStream> = {}): ProbedStream {
  return { type: "video", codec: "h264", tag: "avc1", profile: "High", level: 13, width: 320, height: 180, fps: 25, sampleRate: null, bitDepth: 8, ...over };
}

export function anAudioStream(over: Partial<ProbedStream> = {}): ProbedStream {
  return { type: "audio", codec: "aac", tag: "mp4a", profile: "LC", level: null, width: null, height: null, fps: null, sampleRate: 48000, bitDepth: null, ...over };
}

/** A rung of `durations` (1-second segments by default) named `id`, under /pkg. */
export function aRung(id: string, over: Partial<Rung> & { durations?: number[] } = {}): Rung {
  const { durations = [1, 1, 1], ...rest } = over;
  return {
    id,
    key: id,
    kind: "video",
    playlist: { uri: id, path: `/pkg/${id}`, range: null },
    inits: [{ uri: "init.mp4", path: `/pkg/${id}.init.mp4`, range: null }],
    segments: durations.map((duration, i) => ({ uri: `seg_${i}.m4s`, path: `/pkg/${id}.seg_${i}.m4s`, range: null, duration })),
    limit: { seconds: 1, rule: "hls-target", decimals: 0 },
    codecs: null,
    width: null,
    height: null,
    frameRate: null,
    indexed: false,
    ...rest,
  };
}

export function aVariant(rung: string, over: Partial<Variant> = {}): Variant {
  return { uri: rung, rung, bandwidth: 500_000, averageBandwidth: null, codecs: "avc1.64000d,mp4a.40.2", resolution: { width: 320, height: 180 }, audioGroup: "aud", ...over };
}

export function aManifest(over: Partial<Manifest> = {}): Manifest {
  return {
    name: "master.m3u8",
    file: "/pkg/master.m3u8",
    kind: "hls",
    rungs: [aRung("v0.m3u8"), aRung("v1.m3u8"), aRung("a.m3u8", { kind: "audio", durations: [1.002667, 1.002667, 1.002667, 0.021333] })],
    variants: [aVariant("v0.m3u8"), aVariant("v1.m3u8", { bandwidth: 250_000, resolution: { width: 160, height: 90 } })],
    audioGroups: { aud: ["a.m3u8"] },
    problems: [],
    notes: [],
    ...over,
  };
}

export function someFacts(rung: Rung, over: Partial<RungFacts> = {}): RungFacts {
  return { initBytes: rung.inits.map(() => 800), segmentBytes: rung.segments.map(() => 10_000), probe: [aVideoStream()], ...over };
}

/** Facts for the default manifest: 40 kB video segments (320 kb/s), 20 kB (160 kb/s), 8 kB audio. */
export function factsOf(m: Manifest, over: Record<string, Partial<RungFacts>> = {}): Facts {
  const defaults: Record<string, Partial<RungFacts>> = {
    "v0.m3u8": { segmentBytes: [40_000, 40_000, 40_000], probe: [aVideoStream()] },
    "v1.m3u8": { segmentBytes: [20_000, 20_000, 20_000], probe: [aVideoStream({ width: 160, height: 90 })] },
    "a.m3u8": { segmentBytes: [8000, 8000, 8000, 300], probe: [anAudioStream()] },
  };
  const facts: Facts = {};
  for (const r of m.rungs) facts[r.id] = someFacts(r, { ...defaults[r.id], ...over[r.id] });
  return facts;
}
