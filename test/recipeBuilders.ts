// Recipe builders for tests: a small library with known numbers, independent of the shipped one.
import type { Recipe, RecipeBook } from "../src/model";

export function aRecipe(overrides: Partial<Recipe> = {}): Recipe {
  const deliverable = overrides.deliverable ?? "h264-sdr";
  return {
    id: `${deliverable}/${overrides.contentClass ?? "generic"}`,
    deliverable,
    contentClass: "generic",
    codec: "h264",
    encoder: "libx264",
    preset: "medium",
    pool: "cpu",
    hdr: false,
    bitDepth: 8,
    settings: {},
    reason: "test recipe",
    ladder: [
      { name: "1080p", width: 1920, height: 1080, bitrateKbps: 5000 },
      { name: "720p", width: 1280, height: 720, bitrateKbps: 3000 },
      { name: "360p", width: 640, height: 360, bitrateKbps: 800 },
    ],
    downgrades: [
      { step: "faster-preset", preset: "veryfast", workFactor: 0.4, qualityCost: 2 },
      { step: "drop-top-rung", qualityCost: 5 },
    ],
    ...overrides,
  };
}

/** h264-sdr plus a 4K HEVC deliverable whose ladder starts with a deferrable 2160p rung. */
export function aBook(extra: Recipe[] = []): RecipeBook {
  return {
    recipes: [
      aRecipe(),
      aRecipe({
        deliverable: "hevc-4k",
        codec: "hevc",
        encoder: "libx265",
        ladder: [
          { name: "2160p", width: 3840, height: 2160, bitrateKbps: 16000 },
          { name: "1080p", width: 1920, height: 1080, bitrateKbps: 6000 },
        ],
        downgrades: [
          { step: "defer-rendition", rendition: "2160p", qualityCost: 1 },
          { step: "faster-preset", preset: "fast", workFactor: 0.5, qualityCost: 3 },
        ],
      }),
      ...extra,
    ],
  };
}
