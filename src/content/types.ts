// What content analysis measures and decides. Values a file has (probe) are kept apart from
// values measured by decoding it (features) and from the decision made on them (classification).
import type { ContentClass, ContentProfile, HdrTransfer } from "../model";

export interface AudioInfo {
  codec: string;
  channels: number;
  sampleRate: number | null;
  /** Number of audio streams in the file (the fields above describe the first). */
  streams: number;
}

/** SMPTE ST 2086 mastering display colour volume: chromaticities 0..1 (CIE 1931 xy), luminance in cd/m². */
export interface MasteringDisplay {
  red: [number, number];
  green: [number, number];
  blue: [number, number];
  whitePoint: [number, number];
  minLuminance: number;
  maxLuminance: number;
}

/** CTA-861.3 content light level: the brightest pixel (MaxCLL) and brightest frame average (MaxFALL), cd/m². */
export interface ContentLight {
  maxCll: number;
  maxFall: number;
}

/** What ffprobe says about a file's first video stream (and its audio), without decoding it. */
export interface ProbeInfo {
  container: string;
  codec: string;
  duration: number;
  width: number;
  height: number;
  /** Frames per second: the average rate, or the base rate when the average is unknown. */
  fps: number;
  /** Variable frame rate: the stream's base and average rates differ, or its timestamps are irregular. */
  variableFrameRate: boolean;
  bitDepth: number;
  pixelFormat: string;
  hdr: HdrTransfer;
  colorTransfer: string | null;
  colorPrimaries: string | null;
  /** HDR10 static metadata, from the stream (mp4 mdcv/clli, Matroska) or the first frame's SEI; null when absent. */
  masteringDisplay: MasteringDisplay | null;
  contentLight: ContentLight | null;
  /** ffprobe's field_order: progressive, tt, bb, tb, bt, or unknown. */
  fieldOrder: string;
  interlaced: boolean;
  /** Display rotation in degrees (phone videos), 0 when none. */
  rotation: number;
  audio: AudioInfo | null;
}

/**
 * Measured picture features, on the analysis frame (the source scaled down to at most 640x360
 * worth of pixels, 8-bit), except the noise floor, which is measured on native pixels.
 */
export interface ContentFeatures {
  /** Spatial information (ITU-T P.910, the `siti` filter): mean and max over frames. */
  siMean: number;
  siMax: number;
  /** Temporal information (P.910): mean and max over frame pairs. */
  tiMean: number;
  tiMax: number;
  /** Share of frames that barely change from the previous one (TI < 1): frozen slides, paused screens. */
  stillFrameShare: number;
  /** Mean share of pixels unchanged (|Δ| ≤ 1 level) between consecutive frames: a locked-off camera, a clean render. */
  staticPixelShare: number;
  /** Scene cuts per minute (`scdet` score ≥ CUT_SCORE, cuts closer than CUT_MIN_GAP merged). */
  cutsPerMinute: number;
  /** Mean edge width in pixels (`blurdetect`, Marziliano's metric); null when no frame has edges. */
  edgeWidth: number | null;
  /** Fine-noise floor: noise σ in 8-bit levels found even in the smoothest 10% of the picture. */
  noiseFloor: number;
}

export interface Classification {
  contentClass: ContentClass;
  /** The measured features that decided it, in words with their values and thresholds. */
  reasons: string[];
  features: ContentFeatures;
}

/** How the file was measured: which parts were decoded, at what size. */
export interface MeasurementInfo {
  windows: { start: number; seconds: number }[];
  framesAnalysed: number;
  secondsAnalysed: number;
  analysisWidth: number;
  analysisHeight: number;
}

export interface Analysis {
  file: string;
  sha256: string;
  profile: ContentProfile;
  probe: ProbeInfo;
  features: ContentFeatures;
  classification: { contentClass: ContentClass; reasons: string[] };
  /** True when only evenly spaced windows of a long file were decoded. */
  sampled: boolean;
  measurement: MeasurementInfo;
  audio: AudioInfo | null;
  /** Awkward traits a later normalisation step must handle: interlacing, VFR, odd pixel formats. */
  warnings: string[];
}
