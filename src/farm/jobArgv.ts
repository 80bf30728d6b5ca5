// The argv a job may carry: the grammar of the commands vps itself builds (src/encode/argv.ts's
// normaliseArgv, encodeArgv, audioArgv and joinArgv, src/encode/encoders.ts's settings per encoder,
// src/package/dash.ts's dashArgv), as an allowlist. ffmpeg has options that read or write any file
// (-vstats_file, -dump_attachment, -passlogfile), protocols that reach the network or other
// programs' output (http:, tcp:, pipe:, concat:, subfile:), demuxers that read lists of files
// (concat, a lavfi graph) and filters that open files (movie, sendcmd, a stats_file); none of them
// is in vps's commands, so none is taken. Each refusal names the argument (its index in `args`,
// counted from 0 as in the job's JSON) and what is wrong with it. Pure. Used by src/farm/validate.ts.
import { posix } from "node:path";
import { JOIN_FORMATS, SOURCE_FORMATS } from "../encode/formats";
import { ENCODERS, VP9_OPTIONS } from "../encode/encoders";
import { MPD_NAME } from "../package/dash";
import { PARTIAL_SUFFIX } from "../run/layout";
import type { FfmpegJob } from "./protocol";

/** A value for a one-line reason: short, quoted, with NULs and line breaks escaped. */
export function shown(x: unknown, max = 120): string {
  if (Array.isArray(x)) return `an array of ${x.length}`;
  if (typeof x === "string") return JSON.stringify(x.length > max ? `${x.slice(0, max - 1)}…` : x);
  return (JSON.stringify(x) ?? String(x)).slice(0, max);
}

/** NUL, line breaks and the rest: nothing vps writes in a name, and a log line's end in a task id. */
export const hasControl = (s: string): boolean => [...s].some((c) => c < " " || c === "\u007f");

export const at = (i: number, arg: string, why: string): string => `argument ${i} (${shown(arg)}): ${why}`;

// ---- the options vps writes ------------------------------------------------------------------

type Value =
  | { kind: "token"; pattern: RegExp; expected: string }
  | { kind: "filters"; names: readonly string[] }
  | { kind: "params" }
  | { kind: "input" }
  | { kind: "template" };

const token = (pattern: RegExp, expected: string): Value => ({ kind: "token", pattern, expected });
const oneOf = (...xs: string[]): Value => token(new RegExp(`^(${xs.map((x) => x.replace(/[^a-z0-9]/gi, "\\$&")).join("|")})$`), `one of ${xs.join(", ")}`);
const WHOLE = token(/^\d{1,9}$/, "a whole number");
const SECONDS = token(/^\d{1,9}(\.\d{1,9})?$/, "seconds (a number)");
const KBPS = token(/^\d{1,9}k$/, "kbit/s (like 3000k)");
const NAME = token(/^[a-z0-9][a-z0-9_-]{0,31}$/, "a name of lower-case letters, digits, _ and -");
const SWITCH = oneOf("0", "1");
/** libvpx-vp9's private options: numbers (some may be negative) or a named mode. */
const VP9_VALUE = token(/^(-?\d{1,9}(\.\d{1,9})?|[a-z]{1,16})$/, "a number or a mode name");

/** normaliseArgv's filters (bwdif, fps, format), encodeArgv's (setsar, scale, and the tone map: zscale, format, tonemap). */
const VIDEO_FILTERS = ["bwdif", "fps", "format", "setsar", "scale", "zscale", "tonemap"];
/** audioArgv's: the track padded to the video's length. */
const AUDIO_FILTERS = ["apad"];
const INPUT_FORMATS = ["concat"];
const OUTPUT_FORMATS = ["matroska", "mp4", "dash"];

/** Every option vps writes; null: a flag without a value. */
const OPTIONS = new Map<string, Value | null>([
  ...["-hide_banner", "-nostdin", "-y", "-an", "-vn", "-sn", "-dn"].map((o): [string, null] => [o, null]),
  ["-loglevel", oneOf("quiet", "panic", "fatal", "error", "warning", "info")],
  ["-threads", token(/^[1-9]\d{0,3}$/, "a thread count")],
  ["-slices", WHOLE],
  ["-i", { kind: "input" }],
  ["-f", oneOf(...INPUT_FORMATS, ...OUTPUT_FORMATS)],
  ["-safe", SWITCH],
  ["-protocol_whitelist", oneOf("file,data")],
  ["-format_whitelist", oneOf(SOURCE_FORMATS, JOIN_FORMATS)],
  ["-ss", SECONDS],
  ["-t", SECONDS],
  ["-map", token(/^\d{1,3}(:[va](:\d{1,3})?)?$/, "a stream map like 0:v:0")],
  ["-vf", { kind: "filters", names: VIDEO_FILTERS }],
  ["-af", { kind: "filters", names: AUDIO_FILTERS }],
  ["-c", oneOf("copy")],
  ["-c:v", oneOf("ffv1", ...Object.keys(ENCODERS))],
  ["-c:a", oneOf("aac", "libopus")],
  // FFV1 (the mezzanine).
  ["-level", WHOLE],
  ["-slicecrc", SWITCH],
  // Each encoder's preset (ENCODERS[…].preset): x264/x265 names, SVT-AV1 numbers, libvpx/libaom speeds.
  ["-preset", token(/^(-?\d{1,2}|[a-z]{1,16})$/, "a preset name or number")],
  ["-deadline", oneOf("good", "best", "realtime")],
  ["-usage", oneOf("good", "realtime", "allintra")],
  ["-cpu-used", token(/^-?\d{1,2}$/, "a speed number")],
  ["-tune", token(/^[a-z]{1,16}$/, "a tune name")],
  ...Object.values(ENCODERS).flatMap((e): [string, Value][] => (e.paramsOption === null ? [] : [[e.paramsOption, { kind: "params" }]])),
  ...VP9_OPTIONS.map((o): [string, Value] => [`-${o}`, VP9_VALUE]),
  ["-g", WHOLE],
  ["-keyint_min", WHOLE],
  ["-sc_threshold", WHOLE],
  ["-pix_fmt", NAME],
  ["-b:v", KBPS],
  ["-maxrate", KBPS],
  ["-bufsize", KBPS],
  ["-b:a", KBPS],
  ["-color_primaries", NAME],
  ["-color_trc", NAME],
  ["-colorspace", NAME],
  ["-tag:v", token(/^[a-z0-9]{4}$/, "a four-letter codec tag")],
  ["-ac", WHOLE],
  ["-ar", WHOLE],
  // ffmpeg's DASH muxer (dashArgv).
  ["-seg_duration", SECONDS],
  ["-use_template", SWITCH],
  ["-use_timeline", SWITCH],
  ["-single_file", SWITCH],
  ["-hls_playlist", SWITCH],
  ["-init_seg_name", { kind: "template" }],
  ["-media_seg_name", { kind: "template" }],
  ["-adaptation_sets", token(/^id=\d{1,3},streams=\d{1,3}(,\d{1,3})*( id=\d{1,3},streams=\d{1,3}(,\d{1,3})*)*$/, "adaptation sets like id=0,streams=0,1")],
]);

/** Options a job must not carry, with why (the rest of the unknown ones get the general reason). */
const RESERVED = new Map([
  ["-progress", "the worker adds -progress itself, after this check (its progress goes to the coordinator)"],
  ["-nostats", "the worker adds -nostats itself, with -progress"],
  ["-stats_period", "the worker sets ffmpeg's progress itself"],
]);

// ---- the argv --------------------------------------------------------------------------------

/**
 * The argv read as ffmpeg reads it: options apply to the next file named (an `-i` input, or the
 * output, the last argument), so they are gathered per file and judged there.
 */
export function argvProblem(job: FfmpegJob): string | null {
  const args = job.args;
  const last = args.length - 1;
  let group = new Map<string, string>();
  let inputs = 0;
  for (let i = 0; i < last; i++) {
    const name = args[i]!;
    const value = OPTIONS.get(name);
    if (value === undefined) return at(i, name, unknownOption(name));
    // ffmpeg takes the last of two (a later -f would undo the checked one): vps gives none twice.
    if (group.has(name) && name !== "-map") return at(i, name, "given twice for one file, which vps never writes");
    if (value === null) {
      group.set(name, "");
      continue;
    }
    if (i + 1 === last) return at(i, name, "has no value (the next argument is the output)");
    const why = valueProblem(value, args[++i]!);
    if (why !== null) return at(i, args[i]!, `${why} (the value of ${name})`);
    if (name !== "-i") {
      group.set(name, args[i]!);
      continue;
    }
    const input = inputGroupProblem(group, args[i]!);
    if (input !== null) return at(i, args[i]!, input);
    inputs++;
    group = new Map();
  }
  if (inputs === 0) return "the job reads no input (-i): vps never writes such a command";
  return outputProblem(job, group);
}

function unknownOption(name: string): string {
  if (!name.startsWith("-")) return "a value where an option was expected (a job is ffmpeg's options, then the output; it names no program)";
  return RESERVED.get(name) ?? "not an option vps writes (ffmpeg has options that write or read any file, so only vps's own are taken)";
}

/** What came before an input: a format only for the concat list, and the list only with it. */
function inputGroupProblem(group: ReadonlyMap<string, string>, input: string): string | null {
  const format = group.get("-f");
  const list = input.startsWith("data:");
  if (format !== undefined && !INPUT_FORMATS.includes(format)) return `read as -f ${format}: vps names an input's format only for its concat list`;
  if (list !== (format === "concat")) return list ? "a data: list without -f concat before it" : "-f concat reads only the data: list vps writes, not a list file";
  if (!list && (group.has("-safe") || group.has("-protocol_whitelist"))) return "-safe and -protocol_whitelist go only with the concat list";
  // Without it a file named like a video that is really a playlist makes ffmpeg read the files it names (src/encode/formats.ts).
  const formats = list ? JOIN_FORMATS : SOURCE_FORMATS;
  if (group.get("-format_whitelist") !== formats) return `every input is read with -format_whitelist ${formats} before it, as vps writes it; found ${group.has("-format_whitelist") ? group.get("-format_whitelist") : "none"}`;
  return null;
}

/** The last argument: the job's own output (its manifest for DASH), with the format vps names. */
function outputProblem(job: FfmpegJob, group: ReadonlyMap<string, string>): string | null {
  const i = job.args.length - 1;
  const arg = job.args[i]!;
  const format = group.get("-f");
  if (format === undefined || !OUTPUT_FORMATS.includes(format)) return at(i, arg, `the output's format must be named (-f ${OUTPUT_FORMATS.join(", -f ")}), found ${format === undefined ? "none" : `-f ${format}`}`);
  if (group.has("-safe") || group.has("-protocol_whitelist") || group.has("-format_whitelist")) return at(i, arg, "-safe, -protocol_whitelist and -format_whitelist go only with an input, not the output");
  const why = pathProblem(job.output);
  if (why !== null) return `output ${shown(job.output, 1000)}: ${why}`;
  if (!posix.basename(job.output).startsWith(".") || !job.output.endsWith(PARTIAL_SUFFIX)) {
    return `output ${shown(job.output, 1000)}: not a try's temporary name (.<name>…${PARTIAL_SUFFIX}); a job never writes a final name, only the coordinator's rename does`;
  }
  const expected = format === "dash" ? `${job.output}/${MPD_NAME}` : job.output;
  if (arg === `file:${expected}`) return null;
  if (arg === expected && expected.startsWith("-")) return at(i, arg, "starts with - (ffmpeg would read it as an option); vps writes file: before such a name");
  if (arg === expected && !expected.includes(":")) return null;
  return at(i, arg, `the output must be the job's own, ${shown(expected, 1000)}`);
}

function valueProblem(value: Value, v: string): string | null {
  if (value.kind === "input") return v.startsWith("data:") ? listProblem(v) : fileProblem(v);
  if (value.kind === "template") return templateProblem(v);
  const shell = shellProblem(v);
  if (shell !== null) return shell;
  if (v.startsWith("-") && !/^-\d+(\.\d+)?$/.test(v)) return "starts with - (an option where a value was expected)";
  if (value.kind === "token") return value.pattern.test(v) ? null : `expected ${value.expected}`;
  if (value.kind === "filters") return filtersProblem(v, value.names);
  return paramsProblem(v);
}

// ---- paths -----------------------------------------------------------------------------------

/**
 * Characters that only a shell gives a meaning: vps runs ffmpeg without one, so they are harmless
 * to it, but vps never writes them either, so a job carrying them was not written by vps.
 */
const SHELL = /[;|&$`<>]/;

function shellProblem(v: string): string | null {
  const m = SHELL.exec(v);
  return m ? `holds the shell metacharacter "${m[0]}": vps runs ffmpeg without a shell and never writes one, so this job was not written by vps` : null;
}

/** A path relative to the shared directory, in the one form vps writes it. */
function pathProblem(p: string): string | null {
  if (p === "" || p === ".") return "names no file";
  if (hasControl(p)) return "holds a control character (a NUL byte or a line break)";
  const shell = shellProblem(p);
  if (shell !== null) return shell;
  if (p.startsWith("/")) return "an absolute path; a job names files relative to the shared directory";
  if (p.includes("\\")) return "holds a backslash; a job's paths are POSIX ones";
  if (p.split("/").includes("..")) return "climbs out with ..; a job names files inside the shared directory";
  if (posix.normalize(p) !== p) return `not in normal form (${shown(posix.normalize(p))}); vps writes no ./, // or trailing /`;
  return null;
}

/** An input or output as fileArg writes it: a bare path, or `file:` and a path (a name with a colon). */
function fileProblem(v: string): string | null {
  if (v.startsWith("file:")) return pathProblem(v.slice("file:".length));
  const colon = v.indexOf(":");
  if (colon >= 0) return `names the protocol ${shown(v.slice(0, colon + 1))}; a job reads files only (a path, or file: and a path)`;
  if (v.startsWith("-")) return "starts with - (ffmpeg would read it as an option or stdin)";
  return pathProblem(v);
}

// ---- the concat list (joinArgv's data: URL) --------------------------------------------------

export const LIST_HEAD = "data:text/plain,";
/** A concat-demuxer line as joinArgv quotes it: `'` closes the quote, `\'` is the quote, `'` reopens. */
const QUOTED_QUOTE = "'\\''";

const listLine = (path: string): string => `file 'file:${path.replaceAll("'", QUOTED_QUOTE)}'`;
export const listOf = (paths: readonly string[]): string => `${LIST_HEAD}${paths.map(listLine).join("\n")}`;

/** The paths of a concat list in exactly joinArgv's form, or why it is not one. */
export function listPaths(v: string): string[] | string {
  if (!v.startsWith(LIST_HEAD)) return `a data: input other than the concat list vps writes (${LIST_HEAD}file 'file:…')`;
  const paths: string[] = [];
  for (const [j, line] of v.slice(LIST_HEAD.length).split("\n").entries()) {
    const m = /^file 'file:(.*)'$/.exec(line);
    const pieces = m ? m[1]!.split(QUOTED_QUOTE) : [];
    if (!m || pieces.some((x) => x.includes("'") || x.includes("\\"))) return `its concat list's line ${j + 1} ${shown(line)} is not a file 'file:…' line as vps writes them`;
    paths.push(pieces.join("'"));
  }
  return paths;
}

function listProblem(v: string): string | null {
  const paths = listPaths(v);
  if (typeof paths === "string") return paths;
  for (const [j, p] of paths.entries()) {
    const why = pathProblem(p);
    if (why !== null) return `its concat list's entry ${j + 1} (${shown(p)}): ${why}`;
  }
  return null;
}

// ---- filters, encoder parameters, segment names ----------------------------------------------

/** Option names that read or write a file (x264's stats and qpfile, x265's csv, SVT-AV1's fgs-table, a filter's stats_file…). */
const FILE_KEY = /file|stat|dump|log|csv|analysis|recon|rpu|dhdr|table|scaling-list|path|pass/i;
/** …except the ones vps writes itself: x265's log-level, which quiets it. */
const VPS_KEYS = new Set(Object.values(ENCODERS).flatMap((e) => e.quiet.map(([k]) => k)));
const namesFile = (key: string): boolean => FILE_KEY.test(key) && !VPS_KEYS.has(key);

/** A chain of vps's filters: `name=arg:key=value,…`, plain values (vps's filters need no quoting). */
function filtersProblem(chain: string, names: readonly string[]): string | null {
  if (/['"\\[\]]/.test(chain)) return "holds quoting or stream labels, which vps's filters never have";
  for (const f of chain.split(",")) {
    const eq = f.indexOf("=");
    const name = eq < 0 ? f : f.slice(0, eq);
    if (!names.includes(name)) return `the filter ${shown(name)} is not one vps writes here (${names.join(", ")})`;
    for (const arg of eq < 0 ? [] : f.slice(eq + 1).split(":")) {
      const [key, val] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [null, arg];
      if (key !== null && (!/^[a-z_]{1,32}$/.test(key) || namesFile(key))) return `the filter ${name}'s option ${shown(key)} is not one vps writes (it may name a file)`;
      if (!/^[A-Za-z0-9_.+/-]{1,64}$/.test(val)) return `the filter ${name}'s value ${shown(val)} is not a plain number or name`;
    }
  }
  return null;
}

/** An encoder's `key=value:…` list (-x264-params …): plain keys and values, no key that names a file. */
function paramsProblem(list: string): string | null {
  for (const pair of list.split(":")) {
    const eq = pair.indexOf("=");
    const key = eq < 0 ? pair : pair.slice(0, eq);
    if (eq < 0 || !/^[a-z0-9][a-z0-9-]{0,63}$/.test(key)) return `${shown(pair)} is not a key=value pair as vps writes them`;
    if (namesFile(key)) return `the encoder parameter ${key} reads or writes a file, which vps never asks for`;
    if (!/^[A-Za-z0-9_.,()+-]{1,256}$/.test(pair.slice(eq + 1))) return `the encoder parameter ${key}'s value ${shown(pair.slice(eq + 1))} is not a plain number, name or list`;
  }
  return null;
}

/** The DASH muxer's segment file names, beside the manifest: DASH's $…$ fields, never a folder. */
function templateProblem(v: string): string | null {
  if (/^([A-Za-z0-9._-]|\$(RepresentationID|Number|Bandwidth|Time)(%0\d{1,2}d)?\$)+$/.test(v) && !/^[.-]/.test(v)) return null;
  return "not a segment file name as vps writes them (letters, digits, ., _, - and $RepresentationID$, $Number%05d$; no folder)";
}
