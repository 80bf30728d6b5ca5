// What a worker accepts (src/farm/validate.ts, src/farm/jobArgv.ts): every command vps itself
// builds, in the job form the coordinator sends; and nothing a hostile or careless payload could
// use to run another program, reach outside the shared directory or open a network stream.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SOURCE_FORMATS } from "../../src/encode/formats";
import { encodeArgv } from "../../src/encode/argv";
import type { FfmpegJob } from "../../src/farm/protocol";
import { checkJob } from "../../src/farm/validate";
import { aJob, asTry, type Built, dashJob, encodeJobs, facts, otherJobs, recipes, SHARED, TITLE, WORK } from "./jobs";

const refusals = (jobs: readonly Built[]) =>
  jobs.flatMap(({ label, job }) => {
    const r = checkJob(job);
    return r.ok ? [] : [`${label}: ${r.reason}`];
  });

/** A 720p x264 encode of the plain source: what the hostile payloads below change one piece of. */
const h264 = recipes().find((r) => r.id === "h264-sdr/generic")!;
function base(over: Partial<FfmpegJob> = {}): FfmpegJob {
  const argv = encodeArgv(facts(), { title: TITLE, recipe: h264, rendition: h264.ladder[1]!, preset: "medium", chunk: null, slots: 4 }, WORK);
  return aJob(asTry(argv), over);
}
/** The base job with its args edited. */
const withArgs = (edit: (args: string[]) => string[], over: Partial<FfmpegJob> = {}): FfmpegJob => {
  const job = base(over);
  return { ...job, args: edit([...job.args]) };
};
/** The base job with `option value` put before its output. */
const plus = (...extra: string[]) => withArgs((a) => [...a.slice(0, -1), ...extra, a.at(-1)!]);
/** The base job with the value after `option` replaced. */
const setValue = (option: string, value: string) => withArgs((a) => a.map((x, i) => (a[i - 1] === option ? value : x)));
/** The base job reading `input` instead of its source. */
const reading = (...before: string[]) => withArgs((a) => {
  const i = a.indexOf("-i");
  return [...a.slice(0, i), ...before.slice(0, -1), "-i", before.at(-1)!, ...a.slice(i + 2)];
});

function reason(payload: unknown): string {
  const r = checkJob(payload);
  if (r.ok) throw new Error("the payload was accepted");
  return r.reason;
}

describe("checkJob: every command vps builds passes", () => {
  it("every encode of every recipe (its encoder and fallback, every preset, 1..4 slots, every rung, whole and chunked)", () => {
    const jobs = encodeJobs();
    expect(jobs.length).toBeGreaterThan(1000);
    expect(refusals(jobs)).toEqual([]);
  });

  it("the mezzanine, audio (AAC, Opus), joins and DASH packages", () => {
    expect(refusals(otherJobs())).toEqual([]);
  });

  it("the HDR and name branches are among them: HDR10 metadata, the tone map, file: names, the quoted concat list", () => {
    const args = [...encodeJobs(), ...otherJobs()].map((b) => b.job.args.join(" "));
    for (const bit of ["master-display=G(", "mastering-display=G(", "max-cll=1000,400", "tonemap=tonemap=hable", "-color_trc arib-std-b67", "-i file:uploads/live: day 2.mov", "file:night:run/.work/", "-aom-params row-mt=1", "-svtav1-params", "'\\''", "bwdif=", "fps=30000/1001", "-af apad", "-f dash"]) {
      expect(args.some((a) => a.includes(bit)), bit).toBe(true);
    }
  });

  it("is what the coordinator makes of any source name without shell metacharacters", () => {
    const name = fc.stringMatching(/^[A-Za-z0-9 ()'":,.+=@#%!~_-]{1,24}$/).filter((s) => !["", ".", ".."].includes(s.trim()) && s !== "." && s !== "..");
    fc.assert(
      fc.property(name, fc.integer({ min: 1, max: 4 }), fc.constantFrom(...h264.ladder), (file, slots, rendition) => {
        const f = facts({ source: `${SHARED}/in/${file}` });
        const job = aJob(asTry(encodeArgv(f, { title: TITLE, recipe: h264, rendition, preset: "medium", chunk: null, slots }, WORK)));
        const r = checkJob(job);
        expect(r.ok ? "ok" : r.reason).toBe("ok");
      }),
    );
  });
});

describe("checkJob: hostile and malformed payloads are refused with the reason", () => {
  const dangerous: [string, () => unknown, RegExp][] = [
    ["../ in the output", () => withArgs((a) => [...a.slice(0, -1), "../../etc/.x.partial"], { output: "../../etc/.x.partial" }), /output "\.\.\/\.\.\/etc\/\.x\.partial": climbs out with \.\./],
    ["an output elsewhere than the job's", () => withArgs((a) => [...a.slice(0, -1), "out/published/ep-101/.x.partial"]), /the output must be the job's own/],
    ["an output that reads as an option", () => withArgs((a) => [...a.slice(0, -1), "-x/.o.partial"], { output: "-x/.o.partial" }), /^argument 42 \("-x\/\.o\.partial"\): starts with - \(ffmpeg would read it as an option\)/],
    ["an output with a colon but no file:", () => withArgs((a) => [...a.slice(0, -1), "a:b/.o.partial"], { output: "a:b/.o.partial" }), /the output must be the job's own/],
    ["a final name as the output", () => withArgs((a) => [...a.slice(0, -1), "out/published/ep-101/720p.mp4"], { output: "out/published/ep-101/720p.mp4" }), /not a try's temporary name/],
    ["an absolute input", () => reading("/etc/passwd"), /^argument 10 \("\/etc\/passwd"\): an absolute path; a job names files relative to the shared directory/],
    ["an absolute file: input", () => reading("file:/etc/passwd"), /an absolute path/],
    ["an http input", () => reading("http://evil.example/x.mp4"), /names the protocol "http:"/],
    ["a concat: input", () => reading("concat:out/a.mp4|/etc/passwd"), /names the protocol "concat:"/],
    ["stdin", () => reading("-"), /starts with -/],
    ["pipe:", () => reading("pipe:0"), /names the protocol "pipe:"/],
    ["a data: list naming /etc/shadow", () => reading("-f", "concat", "-safe", "0", "-protocol_whitelist", "file,data", "data:text/plain,file 'file:/etc/shadow'"), /concat list's entry 1 \("\/etc\/shadow"\): an absolute path/],
    ["a data: list climbing out", () => reading("-f", "concat", "-safe", "0", "data:text/plain,file 'file:out/a.mp4'\nfile 'file:../x'"), /entry 2 \("\.\.\/x"\): climbs out/],
    ["a data: list of another form", () => reading("-f", "concat", "data:text/plain;base64,ZmlsZSAnL2V0Yy9zaGFkb3cn"), /other than the concat list vps writes/],
    ["a data: list with other directives", () => reading("-f", "concat", "data:text/plain,ffconcat version 1.0\nfile 'file:a.mp4'"), /line 1 .* is not a file 'file:…' line/],
    ["a data: list with quoting vps never writes", () => reading("-f", "concat", "data:text/plain,file 'file:a.mp4' 'x'"), /is not a file 'file:…' line/],
    ["a data: list without -f concat", () => reading("data:text/plain,file 'file:a.mp4'"), /without -f concat/],
    ["-f concat reading a list file (whose lines nobody checked)", () => reading("-f", "concat", "-safe", "0", "uploads/list.txt"), /reads only the data: list/],
    ["-safe before a plain input", () => reading("-safe", "0", "uploads/list.ffconcat"), /-safe and -protocol_whitelist go only with the concat list/],
    ["a lavfi input", () => reading("-f", "lavfi", "movie=/etc/passwd"), /expected one of concat, matroska, mp4, dash \(the value of -f\)/],
    ["a wider protocol whitelist", () => reading("-f", "concat", "-protocol_whitelist", "file,data,http", "data:text/plain,file 'file:a.mp4'"), /expected one of file,data/],
    ["a shell command after the output", () => withArgs((a) => [...a.slice(0, -1), "out.mp4; rm -rf /"], { output: "out.mp4; rm -rf /" }), /holds the shell metacharacter ";"/],
    ["a command substitution", () => reading("$(reboot)"), /^argument 10 \("\$\(reboot\)"\): holds the shell metacharacter "\$"/],
    ["a backtick in a value", () => setValue("-preset", "`id`"), /holds the shell metacharacter "`"/],
    ["-dump_attachment", () => plus("-dump_attachment:t", ""), /"-dump_attachment:t"\): not an option vps writes/],
    ["-vstats_file", () => plus("-vstats_file", "x.log"), /"-vstats_file"\): not an option vps writes/],
    ["-passlogfile", () => plus("-passlogfile", "x"), /not an option vps writes/],
    ["-progress (the worker adds it)", () => plus("-progress", "pipe:1"), /the worker adds -progress itself/],
    ["another binary", () => withArgs((a) => ["/bin/sh", "-c", "reboot", ...a]), /^argument 0 \("\/bin\/sh"\): a value where an option was expected .*names no program/],
    ["a field naming a program", () => ({ ...base(), exe: "/bin/sh" }), /the job has a field "exe" that protocol 1 does not/],
    ["a movie filter", () => setValue("-vf", "movie=/etc/passwd"), /the filter "movie" is not one vps writes here/],
    ["a filter writing stats", () => setValue("-vf", "ssim=stats_file=x"), /the filter "ssim" is not one vps writes here/],
    ["a file option on an allowed filter", () => setValue("-vf", "scale=1280:720:stats_file=x"), /the filter scale's option "stats_file" is not one vps writes/],
    ["a second filter chain", () => setValue("-vf", "scale=1280:720[a];[a]movie=x"), /holds the shell metacharacter ";"/],
    ["a stream label", () => setValue("-vf", "[in]scale=1280:720"), /holds quoting or stream labels/],
    ["a sendcmd filter", () => setValue("-vf", "sendcmd=f=cmds.txt,scale=1280:720"), /"sendcmd" is not one vps writes/],
    ["an audio filter on video", () => setValue("-vf", "apad"), /"apad" is not one vps writes here \(bwdif/],
    ["x264 stats", () => setValue("-x264-params", "stats=/tmp/x"), /the encoder parameter stats reads or writes a file/],
    ["x264 qpfile", () => setValue("-x264-params", "aq-mode=1:qpfile=q.txt"), /the encoder parameter qpfile reads or writes a file/],
    ["x265 csv", () => setValue("-x264-params", "csv=x.csv"), /csv reads or writes a file/],
    ["a params value with a path", () => setValue("-x264-params", "ref=4:opts=/etc/x"), /value "\/etc\/x" is not a plain/],
    ["a params list that is not pairs", () => setValue("-x264-params", "ref=4::bframes"), /is not a key=value pair/],
    ["an option as a value", () => setValue("-preset", "-vstats_file"), /starts with - \(an option where a value was expected\)/],
    ["a negative number where none is legal", () => setValue("-threads", "-1"), /expected a thread count/],
    // A file named like a video that is an HLS playlist would make ffmpeg read what it names (src/encode/formats.ts).
    ["an input read without -format_whitelist", () => withArgs((a) => a.filter((x, i) => x !== "-format_whitelist" && a[i - 1] !== "-format_whitelist")), /^argument 8 \("uploads\/ep 1 \(final\)\.mov"\): every input is read with -format_whitelist mov,matroska,.* before it, as vps writes it; found none/],
    ["a -format_whitelist that lets a playlist through", () => setValue("-format_whitelist", "hls,mov"), /^argument 8 \("hls,mov"\): .*\(the value of -format_whitelist\)/],
    ["the join's whitelist on a plain input", () => setValue("-format_whitelist", "concat,mov"), /every input is read with -format_whitelist mov,matroska,/],
    ["a -format_whitelist on the output", () => plus("-format_whitelist", SOURCE_FORMATS), /-format_whitelist go only with an input, not the output/],
    ["a format given twice (the later one wins in ffmpeg)", () => plus("-f", "dash"), /^argument 42 \("-f"\): given twice for one file/],
    ["an unknown encoder", () => setValue("-c:v", "librav1e"), /expected one of ffv1, libx264/],
    ["no output format", () => withArgs((a) => a.filter((x, i) => x !== "-f" && a[i - 1] !== "-f")), /the output's format must be named/],
    ["an option without a value", () => plus("-tag:v"), /"-tag:v"\): has no value \(the next argument is the output\)/],
    ["a DASH segment name with a folder", () => ({ ...dashJob(WORK, ["h264"]).job, args: dashJob(WORK, ["h264"]).job.args.map((x, i, a) => (a[i - 1] === "-media_seg_name" ? "../seg-$Number$.m4s" : x)) }), /not a segment file name/],
    ["a DASH manifest elsewhere", () => ({ ...dashJob(WORK, ["h264"]).job, args: [...dashJob(WORK, ["h264"]).job.args.slice(0, -1), "out/other.mpd"] }), /the output must be the job's own, ".*\/manifest\.mpd"/],
    ["no input", () => withArgs((a) => ["-y", "-f", "mp4", a.at(-1)!]), /reads no input/],
  ];
  it.each(dangerous)("%s", (_name, payload, why) => {
    expect(reason(payload())).toMatch(why);
  });

  const malformed: [string, () => unknown, RegExp][] = [
    ["another protocol version", () => base({ v: 2 as 1 }), /^protocol version 2, this worker speaks version 1/],
    ["slots 0", () => base({ slots: 0 }), /^slots must be >= 1, found 0/],
    ["slots beyond 1024", () => base({ slots: 4096 }), /^slots must be <= 1024/],
    ["a fractional try", () => base({ try: 1.5 }), /^try must be integer/],
    ["a stall timeout of two days", () => base({ stallTimeoutMs: 2 * 86_400_000 }), /^stallTimeoutMs must be <= 86400000/],
    ["args as a shell string", () => ({ ...base(), args: "ffmpeg -i x out.mp4" }), /^args must be array, found "ffmpeg/],
    ["an extra field", () => ({ ...base(), shell: true }), /has a field "shell"/],
    ["a missing field", () => { const { output: _, ...rest } = base(); return rest; }, /^the job has no field "output"/],
    ["not an object", () => "ffmpeg -i x", /^the job must be object/],
    ["an array", () => [base()], /^the job must be object/],
    ["a NUL byte in an argument", () => setValue("-preset", "medium\u0000"), /^argument \d+ \("medium\\u0000"\): holds a NUL byte/],
    ["a line break in the task id", () => base({ task: "t\nFAKE LOG LINE" }), /^task "t\\nFAKE LOG LINE" holds a control character/],
    ["a huge args array", () => base({ args: Array.from({ length: 100_000 }, () => "-y") }), /^args must NOT have more than 400 items, found an array of 100000/],
    ["a huge argument", () => setValue("-x264-params", `ref=${"1".repeat(70_000)}`), /^argument 23 must NOT have more than 65536 characters/],
    ["a huge argument in bytes", () => setValue("-preset", "é".repeat(40_000)), /bytes, at most 65536/],
    ["an expectation of neither kind", () => base({ expect: { codec: "h264" } as FfmpegJob["expect"] }), /^expect has no field "width"/],
    ["an expectation with more fields", () => base({ expect: { codec: "aac", channels: 2, durationSeconds: 1, fps: 24, file: "/x" } as FfmpegJob["expect"] }), /^expect has a field "file"/],
    ["an expectation's codec", () => base({ expect: { codec: "h264; rm", width: 1, height: 1, durationSeconds: 1, fps: 24 } }), /^expect\.codec must match pattern/],
  ];
  it.each(malformed)("%s", (_name, payload, why) => {
    expect(reason(payload())).toMatch(why);
  });

  it("never throws, whatever arrives", () => {
    fc.assert(fc.property(fc.jsonValue(), (x) => typeof checkJob(x).ok === "boolean"));
    const words = fc.constantFrom("-i", "-f", "concat", "data:text/plain,", "-vf", "file:", "../", "/", "-map", "-x264-params", "'\\''", ":", "=", ",", "$", "-y");
    fc.assert(fc.property(fc.array(fc.oneof(words, fc.string()), { maxLength: 30 }), (args) => typeof checkJob({ ...base(), args }).ok === "boolean"));
  });

  it("refuses a source name with a shell metacharacter, naming it", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 8 }), fc.constantFrom(";", "|", "&", "$", "`", "<", ">"), fc.string({ maxLength: 8 }), (a, meta, b) => {
        const f = facts({ source: `${SHARED}/in/x${a.replace(/[/\\]/g, "")}${meta}${b.replace(/[/\\]/g, "")}.mov` });
        const job = aJob(asTry(encodeArgv(f, { title: TITLE, recipe: h264, rendition: h264.ladder[0]!, preset: "medium", chunk: null, slots: 2 }, WORK)));
        expect(reason(job)).toMatch(/^argument \d+ \(.*\): holds (the shell metacharacter|a control character)/);
      }),
    );
  });
});
