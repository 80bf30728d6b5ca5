// The plan's argv run for real: tiny lavfi sources (a plain one, an interlaced 4:2:2 one, a
// variable-rate one and a 10-bit PQ HEVC one with HDR10 metadata) are planned from a workload,
// the normalise tasks and a handful of encodes run with ffmpeg, and ffprobe checks what came out.
// 160x90, one second each: a few seconds in all.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeArgv, joinArgv } from "../../src/encode/argv";
import { taskCommands } from "../../src/encode/commands";
import { loadMeasuredWorkload } from "../../src/load/sources";
import type { Plan } from "../../src/model";
import { buildPlan } from "../../src/plan/build";
import { aContent } from "../builders";
import { aProbe } from "../content/builders";
import { ffmpeg, lavfi, makeClip, tempDir } from "../content/media";
import { shippedBook } from "../load/helpers";

const tmp = tempDir("vps-argv-");
afterAll(() => tmp.remove());
const book = shippedBook();
let plan: Plan;

const MASTER = "G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,1)";

beforeAll(async () => {
  const d = tmp.dir;
  makeClip(d, "plain", lavfi("testsrc2=size=160x90:rate=24"), 1);
  // 50 fields a second woven into 25 interlaced frames, top field first, 4:2:2.
  ffmpeg([...lavfi("testsrc2=size=160x90:rate=50"), "-t", "1", "-vf", "tinterlace=interleave_top,setfield=tff", "-flags", "+ilme+ildct", "-top", "1", "-pix_fmt", "yuv422p", "-c:v", "libx264", "-preset", "veryfast", join(d, "inter.mkv")]);
  // Three frames of every five kept, timestamps untouched: irregular gaps.
  ffmpeg([...lavfi("testsrc2=size=160x90:rate=30"), "-t", "2", "-vf", "select='lt(mod(n\\,5)\\,3)'", "-fps_mode", "passthrough", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "veryfast", join(d, "vfr.mkv")]);
  ffmpeg([
    ...lavfi("testsrc2=size=160x90:rate=24"), "-t", "1", "-vf", "format=yuv420p10le", "-c:v", "libx265", "-preset", "ultrafast",
    "-x265-params", `log-level=error:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc:hdr10=1:master-display=${MASTER}:max-cll=1000,400`,
    "-color_primaries", "bt2020", "-color_trc", "smpte2084", "-colorspace", "bt2020nc", join(d, "hdr.mp4"),
  ]);
  writeFileSync(
    join(d, "w.yaml"),
    `epoch: 2026-11-24T00:00:00Z
capacity:
  pools:
    cpu: 8
titles:
  - { id: plain, content: { source: plain.mp4 }, deliverables: [h264-sdr, vp9] }
  - { id: inter, content: { source: inter.mkv }, deliverables: [h264-sdr] }
  - { id: vfr, content: { source: vfr.mkv }, deliverables: [av1] }
  - { id: hdr, content: { source: hdr.mp4 }, deliverables: [hevc-hdr10, h264-sdr] }
`,
  );
  const m = await loadMeasuredWorkload(join(d, "w.yaml"), book, { cacheDir: null });
  plan = buildPlan(m.workload, book, { policy: "value", seed: null, trace: null, commands: taskCommands(book, m.sources, "out") });
  // Normalise first (the encodes read the mezzanines), then every encode: the DAG's order.
  const runnable = plan.tasks.filter((t) => t.argv !== undefined).sort((a, b) => Number(b.kind === "normalise") - Number(a.kind === "normalise"));
  for (const t of runnable) run(t.argv!);
}, 120_000);

/** Runs one argv from the temp dir, as an executor would from the plan's directory. */
function run(argv: string[]): void {
  mkdirSync(join(tmp.dir, dirname(argv.at(-1)!)), { recursive: true });
  const r = spawnSync("ffmpeg", argv, { cwd: tmp.dir, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`ffmpeg ${argv.join(" ")} failed: ${r.stderr}`);
}

function probe(path: string): Record<string, string> {
  const r = spawnSync("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height,pix_fmt,color_transfer,color_primaries,field_order,r_frame_rate:format=duration", "-of", "json", join(tmp.dir, path)], { encoding: "utf8" });
  const j = JSON.parse(r.stdout) as { streams: Record<string, string>[]; format: { duration: string } };
  return { ...j.streams[0], duration: j.format.duration };
}

describe("the plan's ffmpeg commands, run", () => {
  it("normalised the awkward sources, and only those", () => {
    expect(plan.tasks.filter((t) => t.kind === "normalise").map((t) => [t.id, t.reason])).toEqual([
      ["inter/normalise", "interlaced (field order tt): deinterlaced with bwdif, one frame per frame; pixel format yuv422p: converted to yuv420p (4:2:0, which every deliverable takes)"],
      ["vfr/normalise", expect.stringMatching(/^variable frame rate \(average [\d.]+ fps\): converted to a constant \d+\/\d+ fps$/)],
    ]);
    expect(probe("out/inter/mezzanine.mkv")).toMatchObject({ codec_name: "ffv1", pix_fmt: "yuv420p", field_order: "progressive", r_frame_rate: "25/1" });
    expect(probe("out/vfr/mezzanine.mkv")).toMatchObject({ codec_name: "ffv1", pix_fmt: "yuv420p" });
  });

  it.each([
    ["out/plain/h264-sdr/240p.mp4", { codec_name: "h264", pix_fmt: "yuv420p" }],
    ["out/plain/vp9/360p.mp4", { codec_name: "vp9", pix_fmt: "yuv420p" }],
    ["out/inter/h264-sdr/240p.mp4", { codec_name: "h264", pix_fmt: "yuv420p", field_order: "progressive" }],
    ["out/vfr/av1/360p.mp4", { codec_name: "av1", pix_fmt: "yuv420p10le" }],
    ["out/hdr/hevc-hdr10/720p.mp4", { codec_name: "hevc", pix_fmt: "yuv420p10le", color_transfer: "smpte2084", color_primaries: "bt2020" }],
    ["out/hdr/h264-sdr/240p.mp4", { codec_name: "h264", pix_fmt: "yuv420p", color_transfer: "bt709" }],
  ])("%s", (path, expected) => {
    expect(probe(path)).toMatchObject({ width: 160, height: 90, ...expected });
  });

  it("carried the source's HDR10 metadata into the HEVC rendition", () => {
    const r = spawnSync("ffprobe", ["-v", "error", "-read_intervals", "%+#1", "-show_frames", "-of", "json", join(tmp.dir, "out/hdr/hevc-hdr10/720p.mp4")], { encoding: "utf8" });
    const side = (JSON.parse(r.stdout) as { frames: { side_data_list?: Record<string, unknown>[] }[] }).frames[0]!.side_data_list ?? [];
    expect(side).toContainEqual(expect.objectContaining({ side_data_type: "Mastering display metadata", red_x: "34000/50000", max_luminance: "10000000/10000" }));
    expect(side).toContainEqual(expect.objectContaining({ side_data_type: "Content light level metadata", max_content: 1000, max_average: 400 }));
  });

  it("encodes chunks that join back into the whole rendition", () => {
    const recipe = book.recipes.find((r) => r.id === "h264-sdr/generic")!;
    const rendition = recipe.ladder.at(-1)!;
    // The plain clip in two half-second chunks (the pipeline cuts only titles over 10 minutes).
    const content = aContent({ duration: 1, width: 160, height: 90, source: join(tmp.dir, "plain.mp4") });
    const facts = { content, probe: aProbe({ width: 160, height: 90 }), needs: [] };
    for (const index of [0, 1]) {
      const chunk = { index, start: index * 0.5, seconds: 0.5 };
      run(encodeArgv(facts, { title: "chunked", recipe, rendition, preset: "veryfast", chunk, slots: 1 }, "out"));
    }
    run(joinArgv("out", "chunked", "h264-sdr", rendition.name, 2));
    const joined = probe(`out/chunked/h264-sdr/${rendition.name}.mp4`);
    expect(joined).toMatchObject({ codec_name: "h264", width: 160, height: 90 });
    expect(Number(joined.duration)).toBeCloseTo(1, 1);
  });
});
