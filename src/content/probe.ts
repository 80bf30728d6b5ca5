// What a file is, from ffprobe (container and stream headers, plus a sample of packet timestamps),
// without decoding a frame. The parsing is pure; `probeFile` runs ffprobe through an injected runner.
import { whitelisted } from "../encode/formats";
import type { ToolRunner } from "../util/proc/runner";
import { ToolFailed } from "../util/proc/tool";
import type { HdrTransfer } from "../model";
import { InputError } from "../util/errors";
import type { AudioInfo, ContentLight, MasteringDisplay, ProbeInfo } from "./types";

const PROBE_TIMEOUT_MS = 60_000;
/** Packets whose timestamps are checked for variable frame rate: ~10 s at 24 fps, read in milliseconds. */
const TIMESTAMP_SAMPLE = 240;
/** Rates that differ by more than this share are a variable-rate stream, not rounding (30000/1001 vs 29.97). */
const RATE_MISMATCH = 0.01;
/** A gap further than this share from the median gap is irregular (timestamp rounding and capture jitter stay within ~5%)… */
const GAP_TOLERANCE = 0.2;
/** …and a stream with more than this share of irregular gaps has a variable frame rate. */
const IRREGULAR_SHARE = 0.05;

const INTERLACED_ORDERS = new Set(["tt", "bb", "tb", "bt"]);

export interface RawStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  bits_per_raw_sample?: string;
  color_transfer?: string;
  color_primaries?: string;
  field_order?: string;
  channels?: number;
  sample_rate?: string;
  duration?: string;
  disposition?: { attached_pic?: number };
  tags?: Record<string, string>;
  side_data_list?: RawSideData[];
  /** Packets read, when ffprobe ran with -count_packets (src/run/verify.ts). */
  nb_read_packets?: string;
}

/** ffprobe's side data: rotation (display matrix), HDR10 mastering display and content light level. */
interface RawSideData {
  side_data_type?: string;
  rotation?: number;
  [field: string]: unknown;
}

export interface RawProbe {
  streams?: RawStream[];
  format?: { duration?: string; format_name?: string };
}

/** ffprobe reads `file:` URLs as plain files, so a name like `concat:x.mp4` is never a protocol. */
export const inputUrl = (absolutePath: string): string => `file:${absolutePath}`;

export function probeArgs(input: string): string[] {
  return ["-v", "error", "-print_format", "json", "-show_streams", "-show_format", ...whitelisted(input)];
}

/** The first frame's side data: HDR10 metadata that H.264/HEVC carry in SEI rather than in the container. */
export function frameSideDataArgs(input: string): string[] {
  return ["-v", "error", "-select_streams", "v:0", "-read_intervals", "%+#1", "-show_frames", "-of", "json", ...whitelisted(input)];
}

export function timestampArgs(input: string): string[] {
  return ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time", "-read_intervals", `%+#${TIMESTAMP_SAMPLE}`, "-of", "csv=p=0", ...whitelisted(input)];
}

/** "30000/1001" → 29.97; "0/0", absent or nonsense → null. */
export function parseRate(rate: string | undefined): number | null {
  const m = /^(\d+)\/(\d+)$/.exec(rate ?? "");
  if (!m || Number(m[2]) === 0 || Number(m[1]) === 0) return null;
  return Number(m[1]) / Number(m[2]);
}

/** Bits per sample: ffprobe's bits_per_raw_sample when given, else read from the pixel format name. */
export function bitDepthOf(pixFmt: string, bitsPerRawSample: string | undefined): number {
  const raw = Number(bitsPerRawSample);
  if (Number.isInteger(raw) && raw > 0) return raw;
  const semiPlanar = /^p0(\d\d)/.exec(pixFmt); // p010le, p016le
  if (semiPlanar) return Number(semiPlanar[1]);
  const planar = /p(\d{2})(le|be)?$/.exec(pixFmt); // yuv420p10le, gbrp12le
  if (planar) return Number(planar[1]);
  const packed = /(48|64)(le|be)?$/.exec(pixFmt); // rgb48le, rgba64le: 16 bits per component
  if (packed) return 16;
  return 8;
}

export function hdrOf(colorTransfer: string | undefined): HdrTransfer {
  if (colorTransfer === "smpte2084") return "pq";
  if (colorTransfer === "arib-std-b67") return "hlg";
  return "sdr";
}

/** True when packet timestamps (any order) show gaps that are not one steady frame interval. */
export function irregularTimestamps(ptsTimes: readonly number[]): boolean {
  const pts = [...new Set(ptsTimes.filter((t) => Number.isFinite(t)))].sort((a, b) => a - b);
  const gaps = pts.slice(1).map((t, i) => t - pts[i]!);
  if (gaps.length < 10) return false;
  const median = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)]!;
  if (median <= 0) return false;
  const irregular = gaps.filter((g) => Math.abs(g - median) > GAP_TOLERANCE * median).length;
  return irregular / gaps.length > IRREGULAR_SHARE;
}

export function parseTimestamps(csv: string): number[] {
  return csv
    .split("\n")
    .map((l) => Number.parseFloat(l.split(",")[0] ?? ""))
    .filter((t) => Number.isFinite(t));
}

function rotationOf(s: RawStream): number {
  const fromSideData = s.side_data_list?.find((d) => typeof d.rotation === "number")?.rotation;
  const deg = fromSideData ?? Number(s.tags?.rotate ?? 0);
  return Number.isFinite(deg) ? (((Math.round(deg) % 360) + 360) % 360) : 0;
}

/** "34000/50000" → 0.68 (ffprobe prints side data as fractions); a number as itself; else NaN. */
function fraction(v: unknown): number {
  if (typeof v === "number") return v;
  const m = /^(-?\d+(?:\.\d+)?)(?:\/(\d+(?:\.\d+)?))?$/.exec(typeof v === "string" ? v : "");
  if (!m) return Number.NaN;
  return m[2] === undefined ? Number(m[1]) : Number(m[1]) / Number(m[2]);
}

const MASTERING = "Mastering display metadata";
const CONTENT_LIGHT = "Content light level metadata";

export function masteringDisplayOf(list: readonly RawSideData[] | undefined): MasteringDisplay | null {
  const d = list?.find((x) => x.side_data_type === MASTERING);
  if (!d) return null;
  const pair = (k: string): [number, number] => [fraction(d[`${k}_x`]), fraction(d[`${k}_y`])];
  const m: MasteringDisplay = {
    red: pair("red"),
    green: pair("green"),
    blue: pair("blue"),
    whitePoint: pair("white_point"),
    minLuminance: fraction(d.min_luminance),
    maxLuminance: fraction(d.max_luminance),
  };
  // A display with only luminance or only primaries present is half a statement: carry none of it.
  const all = [...m.red, ...m.green, ...m.blue, ...m.whitePoint, m.minLuminance, m.maxLuminance];
  return all.every((x) => Number.isFinite(x)) && m.maxLuminance > 0 ? m : null;
}

export function contentLightOf(list: readonly RawSideData[] | undefined): ContentLight | null {
  const d = list?.find((x) => x.side_data_type === CONTENT_LIGHT);
  if (!d) return null;
  const maxCll = fraction(d.max_content);
  const maxFall = fraction(d.max_average);
  return Number.isFinite(maxCll) && Number.isFinite(maxFall) ? { maxCll, maxFall } : null;
}

/** The first frame's side data from `frameSideDataArgs` JSON; empty when there is none. */
export function parseFrameSideData(json: string): RawSideData[] {
  try {
    const raw = JSON.parse(json) as { frames?: { side_data_list?: RawSideData[] }[] };
    return raw.frames?.[0]?.side_data_list ?? [];
  } catch {
    return [];
  }
}

function audioOf(streams: RawStream[]): AudioInfo | null {
  const audio = streams.filter((s) => s.codec_type === "audio");
  const a = audio[0];
  if (!a) return null;
  const rate = Number(a.sample_rate);
  return { codec: a.codec_name ?? "unknown", channels: a.channels ?? 0, sampleRate: Number.isFinite(rate) && rate > 0 ? rate : null, streams: audio.length };
}

function durationOf(raw: RawProbe, v: RawStream): number | null {
  for (const d of [raw.format?.duration, v.duration]) {
    const x = Number(d);
    if (d !== undefined && Number.isFinite(x) && x > 0) return x;
  }
  return null;
}

/** Frame rates disagree materially; an interlaced stream's base rate may be its field rate (2x). */
function ratesDisagree(r: number | null, avg: number | null, interlaced: boolean): boolean {
  if (r === null || avg === null) return false;
  const near = (a: number, b: number) => Math.abs(a - b) / b <= RATE_MISMATCH;
  return !near(r, avg) && !(interlaced && near(r, 2 * avg));
}

/** The video stream a probe describes: the first that is not a cover picture. */
export function videoStreamOf(raw: RawProbe): RawStream | undefined {
  return raw.streams?.find((s) => s.codec_type === "video" && s.disposition?.attached_pic !== 1);
}

/**
 * The probe of `file` from ffprobe's JSON; InputError when it is not a video. Variable frame rate
 * is judged from the stream's rates here; probeFile adds the packet timestamp sample.
 */
export function describeProbe(file: string, raw: RawProbe): ProbeInfo {
  const streams = raw.streams ?? [];
  const v = videoStreamOf(raw);
  if (!v) {
    const kinds = streams.map((s) => `${s.codec_type ?? "unknown"} ${s.codec_name ?? ""}`.trim());
    throw new InputError(`${file}: no video stream (ffprobe found ${kinds.length > 0 ? kinds.join(", ") : "no streams"})`);
  }
  const duration = durationOf(raw, v);
  if (duration === null) throw new InputError(`${file}: the video has no duration (a still image, or a file cut short)`);
  if (!v.width || !v.height) throw new InputError(`${file}: the video stream has no frame size (ffprobe cannot decode ${v.codec_name ?? "its codec"})`);
  const r = parseRate(v.r_frame_rate);
  const avg = parseRate(v.avg_frame_rate);
  const fps = avg ?? r;
  if (fps === null) throw new InputError(`${file}: the video stream has no frame rate`);
  const fieldOrder = v.field_order ?? "unknown";
  const interlaced = INTERLACED_ORDERS.has(fieldOrder);
  const pixelFormat = v.pix_fmt ?? "unknown";
  return {
    container: raw.format?.format_name ?? "unknown",
    codec: v.codec_name ?? "unknown",
    duration,
    width: v.width,
    height: v.height,
    fps,
    variableFrameRate: ratesDisagree(r, avg, interlaced),
    bitDepth: bitDepthOf(pixelFormat, v.bits_per_raw_sample),
    pixelFormat,
    hdr: hdrOf(v.color_transfer),
    colorTransfer: v.color_transfer ?? null,
    colorPrimaries: v.color_primaries ?? null,
    masteringDisplay: masteringDisplayOf(v.side_data_list),
    contentLight: contentLightOf(v.side_data_list),
    fieldOrder,
    interlaced,
    rotation: rotationOf(v),
    audio: audioOf(streams),
  };
}

/** ffprobe's own complaint, without the input name it starts with. */
function whatFfprobeSaid(e: ToolFailed, input: string): string {
  const said = e.stderrTail.split("\n").pop() ?? "";
  const stripped = said.startsWith(`${input}: `) ? said.slice(input.length + 2) : said;
  return stripped || `exit code ${e.code}`;
}

/**
 * Probes `absolutePath` (shown to the user as `file`). A file ffprobe cannot read is the user's
 * problem (InputError, exit 2); ffprobe missing, killed or timing out is an ExternalError (exit 3).
 */
export async function probeFile(file: string, absolutePath: string, run: ToolRunner): Promise<ProbeInfo> {
  const input = inputUrl(absolutePath);
  let json: string;
  try {
    json = (await run("ffprobe", probeArgs(input), { timeoutMs: PROBE_TIMEOUT_MS })).stdout;
  } catch (e) {
    if (e instanceof ToolFailed && e.code !== null) throw new InputError(`${file}: not a readable media file (ffprobe: ${whatFfprobeSaid(e, input)})`);
    throw e;
  }
  let raw: RawProbe;
  try {
    raw = JSON.parse(json) as RawProbe;
  } catch {
    throw new InputError(`${file}: ffprobe printed no usable description of it`);
  }
  const probe = describeProbe(file, raw);
  const pts = parseTimestamps((await run("ffprobe", timestampArgs(input), { timeoutMs: PROBE_TIMEOUT_MS })).stdout);
  const withRate = { ...probe, variableFrameRate: probe.variableFrameRate || irregularTimestamps(pts) };
  return probe.hdr === "sdr" ? withRate : withHdrMetadata(withRate, input, run);
}

/** HDR10 metadata the container did not carry is looked for in the first frame's SEI (one more ffprobe). */
async function withHdrMetadata(probe: ProbeInfo, input: string, run: ToolRunner): Promise<ProbeInfo> {
  if (probe.masteringDisplay !== null && probe.contentLight !== null) return probe;
  const side = parseFrameSideData((await run("ffprobe", frameSideDataArgs(input), { timeoutMs: PROBE_TIMEOUT_MS })).stdout);
  return {
    ...probe,
    masteringDisplay: probe.masteringDisplay ?? masteringDisplayOf(side),
    contentLight: probe.contentLight ?? contentLightOf(side),
  };
}
