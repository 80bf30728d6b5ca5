// Builders for normalised model objects with sensible defaults: `aTitle({ tier: "premium" })`.
// Defaults describe a plain 45-minute 1080p SDR episode on a 16-slot CPU pool.
import type { ContentProfile, Recipe, Title, ValueFigures, Workload } from "../src/model";
import { DEFAULT_POLICY_CONFIG } from "../src/value/config";

export function aContent(overrides: Partial<ContentProfile> = {}): ContentProfile {
  return {
    duration: 2700,
    width: 1920,
    height: 1080,
    fps: 24,
    bitDepth: 8,
    hdr: "sdr",
    contentClass: "generic",
    complexity: 0.5,
    source: null,
    ...overrides,
  };
}

type TitleOverrides = Partial<Omit<Title, "content" | "value">> & {
  content?: Partial<ContentProfile>;
  value?: Partial<ValueFigures>;
};

export function aTitle(overrides: TitleOverrides = {}): Title {
  const { content, value, ...rest } = overrides;
  return {
    id: "t1",
    arrival: 0,
    tier: "standard",
    value: { expectedViews: 0, viewsSoFar: 0, subscribers: 0, revenuePerView: 0, ...value },
    content: aContent(content),
    deliverables: ["h264-sdr"],
    deadline: null,
    work: null,
    pipeline: null,
    ...rest,
  };
}

export function aWorkload(overrides: Partial<Workload> = {}): Workload {
  return {
    epoch: "2026-11-24T00:00:00Z",
    capacity: { pools: [{ id: "cpu", slots: 16, memoryGiB: null }], scratchGiB: null },
    tiers: { premium: 8, partner: 4, standard: 2, ugc: 1 },
    titles: [aTitle()],
    pipelines: {},
    policy: structuredClone(DEFAULT_POLICY_CONFIG),
    events: [],
    ...overrides,
  };
}

export function aRecipe(overrides: Partial<Recipe> = {}): Recipe {
  const deliverable = overrides.deliverable ?? "h264-sdr";
  const contentClass = overrides.contentClass ?? "generic";
  return {
    id: `${deliverable}/${contentClass}`,
    deliverable,
    contentClass,
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
    ],
    downgrades: [
      { step: "faster-preset", preset: "veryfast", workFactor: 0.4, qualityCost: 3 },
      { step: "drop-top-rung", qualityCost: 8 },
    ],
    ...overrides,
  };
}

/** h264-sdr plus a 4K HEVC deliverable whose ladder starts with a deferrable 2160p rung. */
export function aBook(extra: Recipe[] = []): { recipes: Recipe[] } {
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
