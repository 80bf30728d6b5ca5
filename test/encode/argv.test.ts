// The ffmpeg argument vectors of normalise, encode and join tasks, as pure functions of the
// recipe, the rendition, the task's final preset and what was measured of the source.
import { describe, expect, it } from "vitest";
import { normaliseNeeds, type SourceFacts } from "../../src/content/normalise";
import type { ProbeInfo } from "../../src/content/types";
import { encodeArgv, fileArg, joinArgv, normaliseArgv, outputSize, renditionPath, type EncodeJob } from "../../src/encode/argv";
import { chunkOf, taskCommands } from "../../src/encode/commands";
import { ENCODERS, ffv1Threads, settingsArgs, svtMasterDisplay, x265MasterDisplay } from "../../src/encode/encoders";
import type { ContentProfile, Recipe, Rendition, Task } from "../../src/model";
import { expandTitle } from "../../src/pipeline/expand";
import { aContent, aRecipe, aTitle, aWorkload } from "../builders";
import { aProbe } from "../content/builders";
import { shippedBook } from "../load/helpers";

const book = shippedBook();
const recipe = (id: string): Recipe => book.recipes.find((r) => r.id === id)!;
const rung = (r: Recipe, name: string): Rendition => r.ladder.find((x) => x.name === name)!;

function facts(content: Partial<ContentProfile> = {}, probe: Partial<ProbeInfo> = {}, chunked = false): SourceFacts {
  const c = aContent({ source: "/media/ep.mov", duration: 60, ...content });
  const p = aProbe({ width: c.width, height: c.height, fps: c.fps, bitDepth: c.bitDepth, hdr: c.hdr, duration: c.duration, ...probe });
  return { content: c, probe: p, needs: normaliseNeeds(p, chunked) };
}

function job(r: Recipe, name: string, over: Partial<EncodeJob> = {}): EncodeJob {
  return { title: "ep", recipe: r, rendition: rung(r, name), preset: r.preset, chunk: null, slots: 4, ...over };
}

/** The value after an option in an argv. */
const after = (argv: string[], option: string): string | undefined => argv[argv.indexOf(option) + 1];

const MASTERING = { red: [0.68, 0.32], green: [0.265, 0.69], blue: [0.15, 0.06], whitePoint: [0.3127, 0.329], minLuminance: 0.0001, maxLuminance: 1000 } as ProbeInfo["masteringDisplay"];

describe("encodeArgv", () => {
  it("writes a whole x264 command: decoder threads, input, scale, encoder, tune, params, threads, rate control, GOP, output", () => {
    const r = recipe("h264-sdr/film-grain");
    expect(encodeArgv(facts(), job(r, "720p"), "out")).toEqual([
      "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
      "-threads", "4", "-format_whitelist", "mov,matroska,mpegts,mpeg,avi,mxf,flv,yuv4mpegpipe,h264,hevc,ivf", "-i", "/media/ep.mov",
      "-map", "0:v:0", "-an", "-sn", "-dn",
      "-vf", "setsar=r=sar:max=10000,scale=1280:720:flags=lanczos",
      "-c:v", "libx264", "-preset", "slow", "-tune", "grain",
      "-x264-params", "aq-mode=1:psy-rd=1.0,0.25:deblock=-2,-2:bframes=3:ref=5",
      "-threads", "4",
      // A closed GOP of one 2 s segment at 24 fps, no scene-cut keyframes: segments align across rungs.
      "-g", "48", "-keyint_min", "48", "-sc_threshold", "0",
      "-pix_fmt", "yuv420p",
      "-b:v", "3000k", "-maxrate", "4500k", "-bufsize", "6000k",
      "-f", "mp4", "out/ep/h264-sdr/720p.mp4",
    ]);
  });

  it("uses the task's final preset, so a faster-preset downgrade shows in the command", () => {
    const r = recipe("h264-sdr/generic");
    expect(after(encodeArgv(facts(), job(r, "1080p", { preset: "veryfast" }), "out"), "-preset")).toBe("veryfast");
  });

  it("carries HDR10 on x265: BT.2020, PQ, 10-bit, the source's mastering display and MaxCLL, hvc1 for mp4", () => {
    const r = recipe("hevc-hdr10/generic");
    const f = facts({ width: 3840, height: 2160, bitDepth: 10, hdr: "pq" }, { pixelFormat: "yuv420p10le", masteringDisplay: MASTERING, contentLight: { maxCll: 1000, maxFall: 400 } });
    const argv = encodeArgv(f, job(r, "2160p"), "out");
    expect(after(argv, "-x265-params")).toBe(
      "colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc:hdr10=1:hdr10-opt=1:repeat-headers=1:aq-mode=2:psy-rd=2:bframes=4:ref=4" +
        ":master-display=G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,1):max-cll=1000,400:keyint=48:min-keyint=48:scenecut=0:open-gop=0:pools=4:log-level=error",
    );
    expect(after(argv, "-pix_fmt")).toBe("yuv420p10le");
    expect(argv.join(" ")).toContain("-color_primaries bt2020 -color_trc smpte2084 -colorspace bt2020nc -tag:v hvc1");
  });

  it("signals an HLG source as HLG, not as PQ, and omits metadata the source does not have", () => {
    const r = recipe("hevc-hdr10/generic");
    const argv = encodeArgv(facts({ bitDepth: 10, hdr: "hlg" }), job(r, "1080p"), "out");
    expect(after(argv, "-x265-params")).toContain("transfer=arib-std-b67:");
    expect(after(argv, "-x265-params")).not.toContain("master-display");
    expect(after(argv, "-color_trc")).toBe("arib-std-b67");
  });

  it("tone-maps an HDR source on an SDR deliverable to BT.709", () => {
    const argv = encodeArgv(facts({ bitDepth: 10, hdr: "pq" }), job(recipe("h264-sdr/generic"), "720p"), "out");
    expect(after(argv, "-vf")).toBe(
      "setsar=r=sar:max=10000,scale=1280:720:flags=lanczos,zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,tonemap=tonemap=hable:desat=0,zscale=t=bt709:m=bt709:r=tv,format=yuv420p",
    );
    expect(argv.join(" ")).toContain("-color_primaries bt709 -color_trc bt709 -colorspace bt709");
  });

  it("synthesises film grain with SVT-AV1 for the film-grain class, at 10 bits", () => {
    const argv = encodeArgv(facts(), job(recipe("av1/film-grain"), "1080p"), "out");
    expect(after(argv, "-c:v")).toBe("libsvtav1");
    expect(after(argv, "-preset")).toBe("6");
    expect(after(argv, "-svtav1-params")).toBe("tune=0:scd=1:film-grain=10:film-grain-denoise=1:lp=4");
    expect(after(argv, "-pix_fmt")).toBe("yuv420p10le");
  });

  it("passes an HDR AV1 recipe's colour description and metadata in SVT-AV1's notation", () => {
    const r = aRecipe({ deliverable: "av1-hdr", codec: "av1", encoder: "libsvtav1", preset: "8", hdr: true, bitDepth: 10, settings: { tune: 0 } });
    const f = facts({ bitDepth: 10, hdr: "pq" }, { masteringDisplay: MASTERING, contentLight: { maxCll: 1000, maxFall: 400 } });
    expect(after(encodeArgv(f, job(r, "1080p"), "out"), "-svtav1-params")).toBe(
      "tune=0:color-primaries=9:transfer-characteristics=16:matrix-coefficients=9" +
        ":mastering-display=G(0.265,0.69)B(0.15,0.06)R(0.68,0.32)WP(0.3127,0.329)L(1000,0.0001):content-light=1000,400:lp=4",
    );
  });

  it("gives libvpx-vp9 its options one by one, with cpu-used as the preset", () => {
    const argv = encodeArgv(facts(), job(recipe("vp9/screen"), "720p"), "out");
    expect(argv.join(" ")).toContain(
      "-c:v libvpx-vp9 -deadline good -cpu-used 2 -row-mt 1 -tile-columns 2 -auto-alt-ref 1 -lag-in-frames 25 -tune-content 1 -aq-mode 0 -enable-tpl 1 -threads 4 -g 48 -keyint_min 48 -pix_fmt yuv420p",
    );
  });

  it("encodes a chunk from its start for its length, into its own file", () => {
    const c = chunkOf(3600, 2, 15, 2);
    expect(c).toEqual({ index: 2, start: 480, seconds: 240 });
    const argv = encodeArgv(facts({ duration: 3600 }), job(recipe("h264-sdr/generic"), "720p", { chunk: c }), "out");
    expect(argv.slice(5, 15)).toEqual(["-ss", "480.000", "-t", "240.000", "-threads", "4", "-format_whitelist", "mov,matroska,mpegts,mpeg,avi,mxf,flv,yuv4mpegpipe,h264,hevc,ivf", "-i", "/media/ep.mov"]);
    expect(argv.at(-1)).toBe("out/ep/h264-sdr/720p.c002.mp4");
  });

  it("reads the mezzanine when the source was normalised", () => {
    const argv = encodeArgv(facts({}, { interlaced: true, fieldOrder: "tt" }), job(recipe("h264-sdr/generic"), "720p"), "work/out");
    expect(after(argv, "-i")).toBe("work/out/ep/mezzanine.mkv");
  });
});

describe("outputSize: the source's shape in the rung, never upscaled", () => {
  const r: Rendition = { name: "1080p", width: 1920, height: 1080, bitrateKbps: 5000 };
  it.each([
    ["16:9 into its own size", 3840, 2160, 0, "1920x1080"],
    ["a 2.39:1 film keeps its shape", 3840, 1608, 0, "1920x804"],
    ["a 4:3 source fits the height", 1440, 1080, 0, "1440x1080"],
    ["a portrait upload keeps its 1080p rung standing", 1080, 1920, 0, "1080x1920"],
    ["a phone video stored landscape, shown rotated", 1920, 1080, 90, "1080x1920"],
    ["a source smaller than the rung is not upscaled", 320, 180, 0, "320x180"],
    ["odd sizes become even", 1001, 563, 0, "1002x564"],
  ])("%s", (_name, width, height, rotation, size) => {
    const s = outputSize(aContent({ width, height }), aProbe({ width, height, rotation }), r);
    expect(`${s.width}x${s.height}`).toBe(size);
  });
});

describe("normaliseArgv and joinArgv", () => {
  it("deinterlaces, fixes the rate and the pixel format into a lossless FFV1 mezzanine", () => {
    const f = facts({}, { interlaced: true, fieldOrder: "tt", variableFrameRate: true, fps: 29.97, pixelFormat: "yuv422p" });
    expect(normaliseArgv(f, "out", "ep", 1)).toEqual([
      "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
      "-threads", "1", "-format_whitelist", "mov,matroska,mpegts,mpeg,avi,mxf,flv,yuv4mpegpipe,h264,hevc,ivf", "-i", "/media/ep.mov",
      "-map", "0:v:0", "-an", "-sn", "-dn",
      "-vf", "bwdif=mode=send_frame:parity=auto:deint=all,fps=30000/1001,format=yuv420p",
      "-c:v", "ffv1", "-level", "3", "-g", "1", "-slicecrc", "1",
      "-threads", "1", "-slices", "4",
      "-f", "matroska", "out/ep/mezzanine.mkv",
    ]);
  });

  it("joins chunks by stream copy from a concat list in a data: URL (no list file to write)", () => {
    expect(joinArgv("out", "ep", "h264-sdr", "720p", 2)).toEqual([
      "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
      "-f", "concat", "-safe", "0", "-protocol_whitelist", "file,data", "-format_whitelist", "concat,mov",
      "-i", "data:text/plain,file 'file:out/ep/h264-sdr/720p.c000.mp4'\nfile 'file:out/ep/h264-sdr/720p.c001.mp4'",
      "-map", "0", "-c", "copy",
      "-f", "mp4", "out/ep/h264-sdr/720p.mp4",
    ]);
  });

  it("never lets a path read as a protocol, and quotes it in a concat list", () => {
    expect(fileArg("concat:a.mp4")).toBe("file:concat:a.mp4");
    expect(fileArg("/media/a.mp4")).toBe("/media/a.mp4");
    expect(renditionPath("./out/", "ep", "av1", "1080p", null)).toBe("out/ep/av1/1080p.mp4");
    expect(joinArgv("it's", "ep", "av1", "1080p", 2)[14]).toContain("file 'file:it'\\''s/ep/av1/1080p.c000.mp4'");
  });
});

describe("threads: a task of N slots uses about N cores", () => {
  const at = (id: string, slots: number) => encodeArgv(facts(), job(recipe(id), "720p", { slots }), "out");

  it.each([
    ["h264-sdr/generic", 1, "-x264-params", "aq-mode=1:psy-rd=1.0,0.0:deblock=0,0:bframes=3:ref=4"],
    ["h264-sdr/generic", 2, "-x264-params", "aq-mode=1:psy-rd=1.0,0.0:deblock=0,0:bframes=3:ref=4"],
    // x265 ignores ffmpeg's -threads: one slot runs without a pool, more slots size the pool.
    ["hevc-sdr/generic", 1, "-x265-params", "aq-mode=2:psy-rd=2:psy-rdoq=1:bframes=4:ref=4:keyint=48:min-keyint=48:scenecut=0:open-gop=0:frame-threads=1:pools=none:log-level=error"],
    ["hevc-sdr/generic", 2, "-x265-params", "aq-mode=2:psy-rd=2:psy-rdoq=1:bframes=4:ref=4:keyint=48:min-keyint=48:scenecut=0:open-gop=0:pools=2:log-level=error"],
    // SVT-AV1 ignores it too: lp= is its logical processor count.
    ["av1/generic", 1, "-svtav1-params", "tune=0:scd=1:lp=1"],
    ["av1/generic", 3, "-svtav1-params", "tune=0:scd=1:lp=3"],
  ])("%s on %d slots: %s %s", (id, slots, option, params) => {
    const argv = at(id, slots);
    expect(after(argv, option)).toBe(params);
    // ffmpeg's -threads twice: the decoder's (before -i), then the encoder's and the filter graph's.
    expect(argv.filter((a, i) => a === "-threads" && argv[i + 1] === String(slots))).toHaveLength(2);
    expect(after(argv, "-threads")).toBe(String(slots));
    expect(argv.indexOf("-threads")).toBeLessThan(argv.indexOf("-i"));
  });

  it("gives libvpx-vp9 -threads N, with row-mt on more than one thread (once, where the recipe has it)", () => {
    const one = at("vp9/generic", 1);
    const two = at("vp9/generic", 2);
    expect(one.join(" ")).toContain("-enable-tpl 1 -threads 1 -g 48");
    expect(two.join(" ")).toContain("-enable-tpl 1 -threads 2 -g 48");
    expect(two.filter((a) => a === "-row-mt")).toHaveLength(1);
    const bare = aRecipe({ deliverable: "vp9", codec: "vp9", encoder: "libvpx-vp9", preset: "2", settings: { "tile-columns": 2 } });
    expect(settingsArgs(bare, 1)).toEqual(["-tile-columns", "2", "-threads", "1"]);
    expect(settingsArgs(bare, 4)).toEqual(["-tile-columns", "2", "-row-mt", "1", "-threads", "4"]);
  });

  it("lets the slots, not the recipe, set a thread parameter the recipe also names", () => {
    const r = aRecipe({ deliverable: "hevc-sdr", codec: "hevc", encoder: "libx265", settings: { pools: 8, ref: 3 } });
    expect(settingsArgs(r, 2)).toEqual(["-x265-params", "pools=2:ref=3:log-level=error", "-threads", "2"]);
  });

  it("has a threading for every encoder, with ffmpeg's -threads N in it", () => {
    for (const info of Object.values(ENCODERS)) expect(info.threads(3).options).toEqual(["-threads", "3"]);
  });

  it("spreads FFV1 over at least as many slices as threads, from its valid slice counts", () => {
    expect(ffv1Threads(1)).toEqual(["-threads", "1", "-slices", "4"]);
    expect(ffv1Threads(4)).toEqual(["-threads", "4", "-slices", "4"]);
    expect(ffv1Threads(5)).toEqual(["-threads", "5", "-slices", "6"]);
    expect(ffv1Threads(64)).toEqual(["-threads", "64", "-slices", "30"]);
    expect(normaliseArgv(facts({}, { interlaced: true, fieldOrder: "tt" }), "out", "ep", 8).join(" ")).toContain("-threads 8 -slices 9 -f matroska");
  });
});

describe("settings and HDR metadata notation", () => {
  it("writes booleans as 1/0 and keeps tune out of the params list", () => {
    const r = aRecipe({ settings: { tune: "film", "no-fast-pskip": true, weightp: false, ref: 3 } });
    expect(settingsArgs(r, 1)).toEqual(["-tune", "film", "-x264-params", "no-fast-pskip=1:weightp=0:ref=3", "-threads", "1"]);
    expect(settingsArgs(aRecipe({ settings: {} }), 1)).toEqual(["-threads", "1"]);
  });

  it("writes the mastering display in x265's units and SVT-AV1's decimals", () => {
    expect(x265MasterDisplay(MASTERING!)).toBe("G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,1)");
    expect(svtMasterDisplay(MASTERING!)).toBe("G(0.265,0.69)B(0.15,0.06)R(0.68,0.32)WP(0.3127,0.329)L(1000,0.0001)");
  });
});

describe("taskCommands: the argv of a plan's task, from its final fields", () => {
  const sources = new Map([["ep", facts({ duration: 3600 }, { interlaced: true, fieldOrder: "tt" })]]);
  const commands = taskCommands(book, sources, "out");
  const task = (over: Partial<Task>): Task =>
    ({
      ...expandTitle(aTitle({ id: "ep" }), aWorkload(), book).tasks[0]!,
      id: "x", kind: "encode", slots: 2, deliverable: "h264-sdr", rendition: "720p", chunk: 1, chunks: 15, preset: "veryfast", recipe: "h264-sdr/generic", ...over,
    });

  it("builds normalise, encode and join commands; none for other kinds or titles without a source", () => {
    expect(commands(task({ kind: "normalise", deliverable: null, rendition: null, chunk: null, preset: null, recipe: null }), "ep")?.at(-1)).toBe("out/ep/mezzanine.mkv");
    const enc = commands(task({}), "ep")!;
    expect([after(enc, "-ss"), after(enc, "-preset"), after(enc, "-threads"), enc.at(-1)]).toEqual(["240.000", "veryfast", "2", "out/ep/h264-sdr/720p.c001.mp4"]);
    expect(commands(task({ kind: "join", chunk: null, preset: null, recipe: null }), "ep")?.at(-1)).toBe("out/ep/h264-sdr/720p.mp4");
    expect(commands(task({ kind: "package" }), "ep")).toBeNull();
    expect(commands(task({}), "other")).toBeNull();
    expect(commands(task({ rendition: "4320p" }), "ep")).toBeNull();
  });
});
