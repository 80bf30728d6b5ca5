import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CONTENT_CLASSES } from "../../src/model";
import { loadRecipeDir, loadRecipeText } from "../../src/load/recipes";
import { RECIPES_DIR, inputError, shippedBook, tempDir } from "./helpers";

const FILE = `deliverable: h264-test
codec: h264
encoder: libx264
pool: cpu
recipes:
  - class: generic
    preset: medium
    reason: baseline
    settings: { aq-mode: 1 }
    ladder:
      - { name: 360p, width: 640, height: 360, bitrateKbps: 800 }
      - { name: 1080p, width: 1920, height: 1080, bitrateKbps: 5000 }
      - { name: 720p, width: 1280, height: 720, bitrateKbps: 3000 }
    downgrades:
      - { step: faster-preset, preset: veryfast, workFactor: 0.4, qualityCost: 3 }
      - { step: defer-rendition, rendition: 1080p, qualityCost: 2 }
      - { step: drop-top-rung, qualityCost: 8 }
`;
const ANIMATION = `  - class: animation
    preset: medium
    reason: line art
    ladder: [{ name: 720p, width: 1280, height: 720, bitrateKbps: 3000 }]
`;

const problems = (text: string) => inputError(() => loadRecipeText("r.yaml", text)).lines();

describe("loadRecipeText", () => {
  it("normalises a file: ids, defaults, ladder sorted highest first", () => {
    const [generic, animation] = loadRecipeText("r.yaml", FILE + ANIMATION);
    expect(generic).toMatchObject({
      id: "h264-test/generic",
      deliverable: "h264-test",
      contentClass: "generic",
      codec: "h264",
      encoder: "libx264",
      preset: "medium",
      pool: "cpu",
      hdr: false,
      bitDepth: 8,
      settings: { "aq-mode": 1 },
      reason: "baseline",
    });
    expect(generic?.ladder.map((r) => r.name)).toEqual(["1080p", "720p", "360p"]);
    expect(generic?.downgrades).toEqual([
      { step: "faster-preset", preset: "veryfast", workFactor: 0.4, qualityCost: 3 },
      { step: "defer-rendition", rendition: "1080p", qualityCost: 2 },
      { step: "drop-top-rung", qualityCost: 8 },
    ]);
    expect(animation).toMatchObject({ id: "h264-test/animation", settings: {}, downgrades: [] });
  });

  it("requires a generic recipe", () => {
    expect(problems(FILE.replace("class: generic", "class: screen"))).toEqual([
      "r.yaml:6:3 recipes: expected exactly one recipe with class: generic (it serves every other class), found none",
    ]);
  });

  it("allows only one generic recipe (and one recipe per class)", () => {
    expect(problems(FILE + ANIMATION.replace("animation", "generic") + ANIMATION + ANIMATION)).toEqual([
      "r.yaml:18:12 recipes[1].class: expected exactly one generic recipe, found class generic again",
      "r.yaml:26:12 recipes[3].class: expected one recipe per class, found class animation again",
    ]);
  });

  it("requires unique rung names", () => {
    expect(problems(FILE.replace("name: 360p", "name: 720p"))).toEqual(['r.yaml:13:17 recipes[0].ladder[2].name: expected unique rung names, found "720p" again']);
  });

  it("requires defer-rendition to name a rung of the ladder", () => {
    expect(problems(FILE.replace("rendition: 1080p", "rendition: 2160p"))).toEqual([
      'r.yaml:16:45 recipes[0].downgrades[1].rendition: expected a rung of this ladder (1080p, 720p, 360p), found "2160p"',
    ]);
  });

  it.each(["1.2", "0", "1"])("requires workFactor in (0, 1), not %s", (wf) => {
    expect(problems(FILE.replace("workFactor: 0.4", `workFactor: ${wf}`))[0]).toMatch(
      /^r\.yaml:15:62 recipes\[0\]\.downgrades\[0\]\.workFactor: expected a number [<>] [01], found /,
    );
  });

  it("rejects an unknown downgrade step, naming the steps", () => {
    expect(problems(FILE.replace("step: drop-top-rung", "step: drop-rung"))).toEqual([
      'r.yaml:17:17 recipes[0].downgrades[2].step: expected one of "faster-preset", "drop-top-rung", "defer-rendition", found "drop-rung"',
    ]);
  });

  it("requires 10 bits and HEVC or AV1 for HDR", () => {
    expect(problems(FILE.replace("pool: cpu", "pool: cpu\nhdr: true"))).toEqual([
      "r.yaml:5:1 hdr: expected bitDepth: 10 with hdr: true, found bitDepth 8",
      "r.yaml:5:1 hdr: expected codec hevc or av1 with hdr: true, found h264",
    ]);
    const ok = loadRecipeText(
      "r.yaml",
      FILE.replace("codec: h264", "codec: hevc").replace("encoder: libx264", "encoder: libx265").replace("pool: cpu", "pool: cpu\nhdr: true\nbitDepth: 10"),
    );
    expect(ok[0]).toMatchObject({ hdr: true, bitDepth: 10 });
  });

  it("reports unknown keys and every problem of a file together", () => {
    expect(problems(FILE.replace("pool: cpu", "pool: cpu\ncolour: blue").replace("rendition: 1080p", "rendition: 4k"))).toEqual([
      'r.yaml:5:1 colour: expected one of the keys deliverable, codec, encoder, pool, hdr, bitDepth, recipes, audio, package, segmentSeconds, fallback, found unknown key "colour"',
      'r.yaml:17:45 recipes[0].downgrades[1].rendition: expected a rung of this ladder (1080p, 720p, 360p), found "4k"',
    ]);
  });
});

describe("loadRecipeText on a big aliased list", () => {
  it("places a problem for each of 2,000 copies of a step shared by alias, each at the anchored copy", () => {
    // Line 27 of h264-sdr.yaml is a drop-top-rung step in the `&medium` downgrades other recipes alias.
    const lines = readFileSync(join(RECIPES_DIR, "h264-sdr.yaml"), "utf8").split("\n");
    const text = [...lines.slice(0, 27), ...Array<string>(2_000).fill(lines[26]!), ...lines.slice(27)].join("\n");
    const problems = inputError(() => loadRecipeText("r.yaml", text)).problems;
    expect(problems.length).toBeGreaterThan(2_000);
    expect(problems.filter((p) => p.pos.path === "recipes[1].downgrades[5]")).toEqual([
      { pos: { file: "r.yaml", line: 31, col: 9, path: "recipes[1].downgrades[5]" }, message: "expected at least one rung left, found 5 drop-top-rung steps for 5 rungs" },
    ]);
  });
});

describe("loadRecipeDir", () => {
  it("reads *.yaml and *.yml sorted by name, ignoring other files", () => {
    const dir = tempDir({
      "b.yml": FILE.replace("h264-test", "b-test"),
      "a.yaml": FILE,
      "notes.txt": "not a recipe",
    });
    expect(loadRecipeDir(dir).recipes.map((r) => r.id)).toEqual(["h264-test/generic", "b-test/generic"]);
  });

  it("rejects two files declaring the same deliverable", () => {
    const dir = tempDir({ "a.yaml": FILE, "b.yaml": FILE });
    expect(inputError(() => loadRecipeDir(dir)).lines()).toEqual([
      `${join(dir, "b.yaml")}:1:14 deliverable: expected each deliverable in one file only, found "h264-test" also in a.yaml`,
    ]);
  });

  it("reports the problems of every file together", () => {
    const dir = tempDir({ "a.yaml": FILE.replace("class: generic", "class: screen"), "b.yaml": "deliverable: [\n" });
    const lines = inputError(() => loadRecipeDir(dir)).lines();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/a\.yaml:6:3 recipes: /);
    expect(lines[1]).toMatch(/b\.yaml:\d+:\d+ \(yaml\): /);
  });

  it("rejects a missing directory and one without recipes", () => {
    expect(inputError(() => loadRecipeDir("/nonexistent/recipes")).message).toBe("cannot read recipe library /nonexistent/recipes: no such directory");
    const empty = tempDir({ "README.md": "# none" });
    expect(inputError(() => loadRecipeDir(empty)).message).toBe(`no recipe files (*.yaml, *.yml) in ${empty}`);
  });
});

describe("the shipped recipe library", () => {
  const book = shippedBook();
  const deliverables = [...new Set(book.recipes.map((r) => r.deliverable))];

  it("loads cleanly with the five deliverables", () => {
    expect(loadRecipeDir(RECIPES_DIR).recipes.length).toBe(book.recipes.length);
    expect(deliverables.sort()).toEqual(["av1", "h264-sdr", "hevc-hdr10", "hevc-sdr", "vp9"]);
  });

  it("has a generic recipe and a recipe for every class in each deliverable", () => {
    for (const d of deliverables) {
      const classes = book.recipes.filter((r) => r.deliverable === d).map((r) => r.contentClass);
      expect([...classes].sort()).toEqual([...CONTENT_CLASSES].sort());
    }
  });

  it("gives every recipe a reason and 2–3 downgrade steps", () => {
    for (const r of book.recipes) {
      expect(r.reason.length, r.id).toBeGreaterThan(10);
      expect(r.downgrades.length, r.id).toBeGreaterThanOrEqual(2);
      expect(r.downgrades.length, r.id).toBeLessThanOrEqual(3);
    }
  });

  it("defers the 2160p rung early on 4K ladders", () => {
    for (const r of book.recipes.filter((x) => x.ladder[0]?.name === "2160p")) {
      const at = r.downgrades.findIndex((d) => d.step === "defer-rendition" && d.rendition === "2160p");
      expect(at, r.id).toBeGreaterThanOrEqual(0);
      expect(at, r.id).toBeLessThanOrEqual(1);
    }
  });

  it("signals BT.2020 and PQ in every HDR10 recipe", () => {
    for (const r of book.recipes.filter((x) => x.deliverable === "hevc-hdr10")) {
      expect(r.settings, r.id).toMatchObject({ colorprim: "bt2020", transfer: "smpte2084", colormatrix: "bt2020nc", hdr10: 1, "hdr10-opt": 1, "repeat-headers": 1 });
      expect(r).toMatchObject({ hdr: true, bitDepth: 10, codec: "hevc" });
    }
  });

  it("synthesises film grain in the AV1 film-grain recipe", () => {
    const grain = book.recipes.find((r) => r.id === "av1/film-grain");
    expect(Number(grain?.settings["film-grain"])).toBeGreaterThanOrEqual(8);
    expect(Number(grain?.settings["film-grain"])).toBeLessThanOrEqual(12);
  });

  it("does not share settings objects between recipes (YAML aliases)", () => {
    const [a, b] = book.recipes.filter((r) => r.deliverable === "h264-sdr");
    expect(a?.ladder).not.toBe(b?.ladder);
    expect(a?.downgrades).not.toBe(b?.downgrades);
  });
});

describe("loadRecipeText: the format constraints vps writes commands under", () => {
  it("rejects an HDR recipe on H.264 or VP9 (HDR ships as 10-bit HEVC or AV1)", () => {
    const vp9 = FILE.replace("codec: h264", "codec: vp9").replace("encoder: libx264", "encoder: libvpx-vp9").replace("settings: { aq-mode: 1 }", "settings: { aq-mode: 1 }");
    expect(problems(vp9.replace("pool: cpu", "pool: cpu\nhdr: true\nbitDepth: 10"))).toEqual([
      "r.yaml:5:1 hdr: expected codec hevc or av1 with hdr: true, found vp9",
    ]);
  });

  it("requires an encoder vps writes commands for, making the file's codec", () => {
    expect(problems(FILE.replace("encoder: libx264", "encoder: h264_nvenc"))).toEqual([
      'r.yaml:3:10 encoder: expected an encoder vps writes commands for with codec h264 (libx264), found "h264_nvenc"',
    ]);
    expect(problems(FILE.replace("encoder: libx264", "encoder: libx265"))).toEqual([
      'r.yaml:3:10 encoder: expected an encoder vps writes commands for with codec h264 (libx264), found "libx265"',
    ]);
  });

  it("keeps H.264 at 8 bits", () => {
    expect(problems(FILE.replace("pool: cpu", "pool: cpu\nbitDepth: 10"))).toEqual([
      "r.yaml:5:11 bitDepth: expected bitDepth 8 with codec h264 (10-bit H.264 plays on almost no device; use hevc, av1 or vp9), found 10",
    ]);
  });

  it("rejects a setting value that would split an -x264-params list", () => {
    expect(problems(FILE.replace("settings: { aq-mode: 1 }", 'settings: { aq-mode: 1, deblock: "-1:-1" }'))).toEqual([
      `r.yaml:9:38 recipes[0].settings.deblock: expected a value without ':' or '=' (they separate -x264-params entries; write pairs with a comma, "-1,-1"), found "-1:-1"`,
    ]);
  });

  it("takes a fallback encoder of the same codec, with its own preset and settings, onto every recipe of the file", () => {
    const av1 = FILE.replace("codec: h264", "codec: av1").replace("encoder: libx264", "encoder: libsvtav1").replace("settings: { aq-mode: 1 }", "settings: { tune: 0 }");
    const fallback = 'pool: cpu\nfallback: { encoder: libaom-av1, preset: "8", settings: { tune: ssim }, reason: refuses nothing }';
    const [generic, animation] = loadRecipeText("r.yaml", av1.replace("pool: cpu", fallback) + ANIMATION);
    expect(generic?.fallback).toEqual({ encoder: "libaom-av1", preset: "8", settings: { tune: "ssim" }, reason: "refuses nothing" });
    expect(animation?.fallback).toEqual(generic?.fallback);
    expect(animation?.fallback).not.toBe(generic?.fallback);
    expect(loadRecipeText("r.yaml", av1)[0]).not.toHaveProperty("fallback");
  });

  it("rejects a fallback encoder of another codec, the file's own encoder, or settings that would split its params", () => {
    const fb = (encoder: string, settings = "{}") => FILE.replace("pool: cpu", `pool: cpu\nfallback: { encoder: ${encoder}, preset: "8", settings: ${settings}, reason: r }`);
    expect(problems(fb("libx265"))).toEqual(['r.yaml:5:22 fallback.encoder: expected another encoder with codec h264, but vps knows no other, found "libx265"']);
    expect(problems(fb("libx264"))).toEqual(['r.yaml:5:22 fallback.encoder: expected another encoder with codec h264, but vps knows no other, found "libx264"']);
    const av1 = (encoder: string, settings = "{}") => fb(encoder, settings).replace("codec: h264", "codec: av1").replace("encoder: libx264", "encoder: libsvtav1");
    expect(problems(av1("libsvtav1"))).toEqual(['r.yaml:5:22 fallback.encoder: expected another encoder vps writes commands for with codec av1 (libaom-av1), found "libsvtav1"']);
    expect(problems(av1("libaom-av1", '{ tune: "a:b" }'))[0]).toMatch(/fallback\.settings\.tune: expected a value without ':' or '=' \(they separate -aom-params entries/);
    expect(problems(FILE.replace("pool: cpu", "pool: cpu\nfallback: { encoder: libaom-av1 }"))[0]).toMatch(/fallback: expected key "preset"|fallback.*preset/);
  });

  it("takes package formats and a segment length, and refuses HLS for VP9", () => {
    expect(loadRecipeText("r.yaml", FILE.replace("pool: cpu", "pool: cpu\npackage: [dash]\nsegmentSeconds: 4"))[0]).toMatchObject({ package: ["dash"], segmentSeconds: 4 });
    const vp9 = FILE.replace("codec: h264", "codec: vp9").replace("encoder: libx264", "encoder: libvpx-vp9");
    expect(problems(vp9.replace("pool: cpu", "pool: cpu\npackage: [dash, hls]"))).toEqual([
      "r.yaml:5:17 package[1]: expected no hls for codec vp9 (HLS carries h264, hevc, av1; no common player plays vp9 over HLS): ship it as dash",
    ]);
  });

  it("takes only libvpx-vp9's own options for VP9", () => {
    const vp9 = FILE.replace("codec: h264", "codec: vp9").replace("encoder: libx264", "encoder: libvpx-vp9");
    expect(loadRecipeText("r.yaml", vp9)[0]?.settings).toEqual({ "aq-mode": 1 });
    const lines = problems(vp9.replace("settings: { aq-mode: 1 }", "settings: { aq-mode: 1, crf: 31 }"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^r\.yaml:9:29 recipes\[0\]\.settings\.crf: expected a libvpx-vp9 option \(row-mt, tile-columns, .*\), found "crf"$/);
  });
});

describe("the shipped VP9 recipes", () => {
  const vp9 = shippedBook().recipes.filter((r) => r.deliverable === "vp9");

  it("use libvpx-vp9 at 8 bits with row-mt, tiles and alt-ref frames in every recipe", () => {
    expect(vp9).toHaveLength(CONTENT_CLASSES.length);
    for (const r of vp9) {
      expect(r, r.id).toMatchObject({ codec: "vp9", encoder: "libvpx-vp9", bitDepth: 8, hdr: false });
      expect(r.settings, r.id).toMatchObject({ "row-mt": 1, "tile-columns": 2, "auto-alt-ref": 1, "lag-in-frames": 25 });
    }
  });

  it("filter alt-refs lightly on grain and tune for screen content on screens", () => {
    const by = (cls: string) => vp9.find((r) => r.contentClass === cls)!;
    expect(Number(by("film-grain").settings["arnr-strength"])).toBeLessThan(Number(by("generic").settings["arnr-strength"]));
    expect(by("screen").settings["tune-content"]).toBe(1);
  });
});
