// Builders for content-analysis objects: a probe of a plain 1080p24 H.264 file, and an analysis
// (of a film-grain episode) whose profile and probe agree.
import type { Analysis, ProbeInfo } from "../../src/content/types";
import type { ContentProfile } from "../../src/model";

export function aProbe(over: Partial<ProbeInfo> = {}): ProbeInfo {
  return {
    container: "mov,mp4,m4a,3gp,3g2,mj2",
    codec: "h264",
    duration: 2700,
    width: 1920,
    height: 1080,
    fps: 24,
    variableFrameRate: false,
    bitDepth: 8,
    pixelFormat: "yuv420p",
    hdr: "sdr",
    colorTransfer: null,
    colorPrimaries: null,
    masteringDisplay: null,
    contentLight: null,
    fieldOrder: "progressive",
    interlaced: false,
    rotation: 0,
    audio: null,
    ...over,
  };
}

export function anAnalysis(profile: Partial<ContentProfile> = {}, probe: Partial<ProbeInfo> = {}): Analysis {
  const p: ContentProfile = { duration: 2700, width: 1920, height: 1080, fps: 24, bitDepth: 8, hdr: "sdr", contentClass: "film-grain", complexity: 0.7, source: "/m/a.mov", ...profile };
  const features = { siMean: 50, siMax: 60, tiMean: 10, tiMax: 20, stillFrameShare: 0, staticPixelShare: 0.2, cutsPerMinute: 2, edgeWidth: 7, noiseFloor: 4 };
  return {
    file: "/m/a.mov",
    sha256: "0".repeat(64),
    profile: p,
    probe: aProbe({ duration: p.duration, width: p.width, height: p.height, fps: p.fps, bitDepth: p.bitDepth, hdr: p.hdr, ...probe }),
    features,
    classification: { contentClass: p.contentClass, reasons: ["noiseFloor 4 ≥ 3: fine noise everywhere"] },
    sampled: false,
    measurement: { windows: [], framesAnalysed: 10, secondsAnalysed: 10, analysisWidth: 640, analysisHeight: 360 },
    audio: null,
    warnings: [],
  };
}
