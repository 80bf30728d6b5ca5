// What a worker checks before it runs a job (src/farm/protocol.ts), and how the coordinator writes
// a job's paths. A worker runs commands handed to it through Redis: whoever can write there must
// not be able to make it run another program, read or write outside --shared-dir, or open a
// network stream. So a job is refused, with one line a person reads, unless:
//   - its shape is exactly the protocol's (checked with ajv), with bounded sizes and no NUL bytes;
//   - its argv is one vps could have built (src/farm/jobArgv.ts): only vps's options with values
//     of vps's form, files only (no other protocol), vps's filters, no encoder parameter that
//     names a file, every path relative to the shared directory without `..`, and the output the
//     job's own temporary name;
//   - on the worker's disk (checkSharedPaths), every path stays inside the shared directory once
//     symlinks are followed, and every input is there.
// The job never names a program: the worker always runs its own ffmpeg, with an argv, no shell.
import { lstat, readdir, realpath, stat } from "node:fs/promises";
import { dirname, posix } from "node:path";
import Ajv, { type ErrorObject } from "ajv";
import { fileArg } from "../encode/argv";
import { argvProblem, at, hasControl, LIST_HEAD, listOf, listPaths, shown } from "./jobArgv";
import { type FfmpegJob, PROTOCOL } from "./protocol";

export type JobCheck = { ok: true; job: FfmpegJob } | { ok: false; reason: string };

const MAX_ARGS = 400;
const MAX_ARG_BYTES = 64 * 1024;
const MAX_SLOTS = 1024;
const DAY_MS = 86_400_000;

// ---- shape -----------------------------------------------------------------------------------

const FIELDS = ["v", "run", "task", "key", "try", "slots", "args", "output", "expect", "stallTimeoutMs"] as const;
const text = (maxLength: number) => ({ type: "string", minLength: 1, maxLength });

const jobSchema = {
  type: "object",
  additionalProperties: false,
  required: FIELDS,
  properties: {
    v: { const: PROTOCOL },
    run: text(256),
    task: text(1024),
    key: text(1024),
    try: { type: "integer", minimum: 1 },
    slots: { type: "integer", minimum: 1, maximum: MAX_SLOTS },
    // maxLength counts characters: the byte bound is checked after it (shapeProblem).
    args: { type: "array", minItems: 2, maxItems: MAX_ARGS, items: { type: "string", maxLength: MAX_ARG_BYTES } },
    output: text(4096),
    expect: { type: ["object", "null"] },
    stallTimeoutMs: { type: "number", exclusiveMinimum: 0, maximum: DAY_MS },
  },
};

const common = {
  codec: { type: "string", pattern: "^[a-z0-9_]{1,32}$" },
  durationSeconds: { type: "number", minimum: 0, maximum: 1e7 },
  fps: { type: "number", exclusiveMinimum: 0, maximum: 1000 },
};
const dimension = { type: "integer", minimum: 1, maximum: 65_536 };
/** OutputExpectation (src/run/verify.ts). */
const videoCheckSchema = {
  type: "object",
  additionalProperties: false,
  required: ["codec", "width", "height", "durationSeconds", "fps"],
  properties: { ...common, width: dimension, height: dimension, pixFmt: { type: "string", pattern: "^[a-z0-9_]{1,32}$" }, toleranceFrames: { type: "integer", minimum: 0, maximum: 1e6 } },
};
/** AudioExpectation (src/run/verifyAudio.ts): told apart by `channels`, as checkOutput does. */
const audioCheckSchema = {
  type: "object",
  additionalProperties: false,
  required: ["codec", "channels", "durationSeconds", "fps"],
  properties: { ...common, channels: { type: "integer", minimum: 1, maximum: 64 } },
};

const ajv = new Ajv({ allErrors: false, verbose: true, strict: true, allowUnionTypes: true });
const validateJob = ajv.compile(jobSchema);
const validateVideoCheck = ajv.compile(videoCheckSchema);
const validateAudioCheck = ajv.compile(audioCheckSchema);

/** A job payload as it came from Redis: the job when vps could have written it, else why not. */
export function checkJob(payload: unknown): JobCheck {
  const why = shapeProblem(payload) ?? argvProblem(payload as FfmpegJob);
  return why === null ? { ok: true, job: payload as FfmpegJob } : { ok: false, reason: why };
}

function shapeProblem(payload: unknown): string | null {
  // The version first: a job of another protocol may well have other fields.
  const v = isRecord(payload) && "v" in payload ? payload.v : PROTOCOL;
  if (v !== PROTOCOL) return `protocol version ${shown(v)}, this worker speaks version ${PROTOCOL} (is the farm half upgraded?)`;
  if (!validateJob(payload)) return explain(validateJob.errors![0]!, "the job");
  const job = payload as FfmpegJob;
  for (const field of ["run", "task", "key", "output"] as const) {
    if (hasControl(job[field])) return `${field} ${shown(job[field])} holds a control character (a NUL byte or a line break)`;
  }
  for (const [i, a] of job.args.entries()) {
    if (a.includes("\u0000")) return at(i, a, "holds a NUL byte");
    if (Buffer.byteLength(a) > MAX_ARG_BYTES) return at(i, a, `${Buffer.byteLength(a)} bytes, at most ${MAX_ARG_BYTES}`);
  }
  if (job.expect === null) return null;
  const check = "channels" in job.expect ? validateAudioCheck : validateVideoCheck;
  return check(job.expect) ? null : explain(check.errors![0]!, "expect");
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

function explain(e: ErrorObject, whole: string): string {
  const path = e.instancePath.replace(/\//g, ".").replace(/^\.args\.(\d+)$/, "argument $1");
  const field = whole === "the job" ? path.replace(/^\./, "") || whole : `${whole}${path}`;
  const p = e.params as Record<string, unknown>;
  if (e.keyword === "additionalProperties") return `${field} has a field "${String(p.additionalProperty)}" that protocol ${PROTOCOL} does not`;
  if (e.keyword === "required") return `${field} has no field "${String(p.missingProperty)}"`;
  return `${field} ${e.message ?? "does not fit the protocol"}, found ${shown(e.data)}`;
}

// ---- on the worker's disk --------------------------------------------------------------------

/** The paths a checked job reads (inputs and the concat list's entries) and writes, relative to the shared dir. */
export function jobPaths(job: FfmpegJob): { inputs: string[]; outputs: string[] } {
  const inputs = job.args.flatMap((a, i) => {
    if (job.args[i - 1] !== "-i" || i === job.args.length - 1) return [];
    if (!a.startsWith("data:")) return [a.startsWith("file:") ? a.slice("file:".length) : a];
    const paths = listPaths(a);
    return typeof paths === "string" ? [] : paths;
  });
  const out = job.args.at(-1)!;
  const written = out.startsWith("file:") ? out.slice("file:".length) : out;
  // DASH writes its segments beside the manifest: the folder is written too.
  return { inputs, outputs: written === job.output ? [written] : [job.output, written] };
}

/**
 * Null when every path of a checked job stays inside `sharedDir` on this machine once symlinks are
 * followed (a link in the shared storage must not lead ffmpeg out of it) and every input is there;
 * else why not. What does not exist yet is judged by its nearest existing ancestor.
 */
export async function checkSharedPaths(job: FfmpegJob, sharedDir: string): Promise<string | null> {
  let root: string;
  try {
    root = await realpath(sharedDir);
  } catch (e) {
    return `--shared-dir ${sharedDir} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
  const { inputs, outputs } = jobPaths(job);
  for (const rel of inputs) {
    const full = posix.join(sharedDir, rel);
    if (!(await stat(full).then(() => true, () => false))) return `cannot see input ${rel} under --shared-dir ${sharedDir} (is the shared storage mounted here?)`;
    const real = await realpath(full);
    if (!inside(root, real)) return `input ${rel} leads to ${real}, outside --shared-dir ${sharedDir} (a symlink?)`;
  }
  for (const rel of outputs) {
    const why = await writeProblem(root, posix.join(sharedDir, rel));
    if (why !== null) return `output ${rel}: ${why} (--shared-dir ${sharedDir})`;
  }
  return null;
}

/** Where writing `full` would land: its own real path if it exists, else its nearest existing ancestor's. */
async function writeProblem(root: string, full: string): Promise<string | null> {
  for (let p = full; ; p = dirname(p)) {
    if ((await lstat(p).catch(() => null)) === null) continue;
    const real = await realpath(p).catch(() => null);
    if (real === null) return `${p} is a symlink to a missing file, which ffmpeg would create wherever it points`;
    if (!inside(root, real)) return `${p} leads to ${real}, outside the shared directory`;
    return p === full && (await stat(real)).isDirectory() ? linkInside(real) : null;
  }
}

/** A folder ffmpeg writes into (DASH segments): no symlink inside may lead elsewhere. */
async function linkInside(dir: string): Promise<string | null> {
  const entries = await readdir(dir, { withFileTypes: true });
  const link = entries.find((e) => e.isSymbolicLink());
  return link ? `${posix.join(dir, link.name)} is a symlink in the folder ffmpeg writes` : null;
}

function inside(root: string, real: string): boolean {
  const rel = posix.relative(root, real);
  return rel === "" || (rel !== ".." && !rel.startsWith("../") && !posix.isAbsolute(rel));
}

// ---- on the coordinator ----------------------------------------------------------------------

/**
 * vps's argv (absolute paths, as src/encode/argv.ts and src/package/dash.ts build them) in the job
 * form: every input, concat list entry and the output relative to `sharedDir`, written as fileArg
 * would write it. Null when one of them is not under `sharedDir` (the workers cannot see it).
 */
export function relativeArgv(argv: readonly string[], sharedDir: string): string[] | null {
  const root = posix.resolve(sharedDir);
  const out: string[] = [];
  for (const [i, a] of argv.entries()) {
    const isPath = argv[i - 1] === "-i" || i === argv.length - 1;
    const rel = !isPath ? a : a.startsWith(LIST_HEAD) ? relativeList(a, root) : relativeFile(a, root);
    if (rel === null) return null;
    out.push(rel);
  }
  return out;
}

function relativeList(list: string, root: string): string | null {
  const paths = listPaths(list);
  if (typeof paths === "string") return null;
  const rel = paths.map((p) => relativePath(p, root));
  return rel.every((p) => p !== null) ? listOf(rel as string[]) : null;
}

function relativeFile(arg: string, root: string): string | null {
  const rel = relativePath(arg.startsWith("file:") ? arg.slice("file:".length) : arg, root);
  if (rel === null) return null;
  // A name starting with - would read as an option (as the output) without file:.
  return rel.startsWith("-") ? `file:${rel}` : fileArg(rel);
}

function relativePath(p: string, root: string): string | null {
  if (!p.startsWith("/")) return null;
  const rel = posix.relative(root, posix.normalize(p));
  return rel === "" || !inside(root, p) ? null : rel;
}
