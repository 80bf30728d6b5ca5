// The written shapes: what users put in YAML, before normalisation (the schemas in ./schemas.ts
// validate them; README.md's "Input formats" and `vps schema` describe them to users).
// Kept apart from src/model.ts so the model never has to carry the YAML's shorthands.

export type WrittenTime = number | string;

export interface WrittenPool {
  slots: number;
  memoryGiB?: number;
}

export interface WrittenStage {
  id: string;
  kind: "analyse" | "encode" | "package" | "publish" | "custom";
  after?: string[];
  pool?: string;
  workPerSecond?: number;
  slots?: number;
}

/** duration, fps and the size are required unless a `source` file is given to measure them from. */
export interface WrittenContent {
  duration?: number | string;
  resolution?: string;
  width?: number;
  height?: number;
  fps?: number | string;
  bitDepth?: number;
  hdr?: "sdr" | "pq" | "hlg";
  class?: string;
  complexity?: number;
  source?: string;
  audio?: boolean;
}

export interface WrittenTitle {
  id: string;
  arrival?: WrittenTime;
  tier?: string;
  value?: { expectedViews?: number; viewsSoFar?: number; subscribers?: number; revenuePerView?: number };
  content: WrittenContent;
  deliverables: string[];
  deadline?: WrittenTime;
  work?: number;
  pipeline?: string;
}

export interface WrittenWorkload {
  epoch: string;
  capacity: { pools: Record<string, number | WrittenPool>; scratchGiB?: number };
  tiers?: Record<string, number>;
  pipelines?: Record<string, WrittenStage[]>;
  titles: WrittenTitle[];
  policy?: { maxWait?: WrittenTime; maxResponse?: WrittenTime; viral?: Partial<WrittenViral> };
  events?: WrittenEvent[];
}

export interface WrittenViral {
  promoteAbove: number;
  demoteBelow: number;
  demoteAfter: WrittenTime;
  smoothing: WrittenTime;
  promoteTo: string;
}

export interface WrittenEvent {
  at: WrittenTime;
  title: string;
  views?: number;
  expectedViews?: number;
  subscribers?: number;
  revenuePerView?: number;
}

export interface WrittenRendition {
  name: string;
  width: number;
  height: number;
  bitrateKbps: number;
}

export type WrittenDowngrade =
  | { step: "faster-preset"; preset: string; workFactor: number; qualityCost: number }
  | { step: "drop-top-rung"; qualityCost: number }
  | { step: "defer-rendition"; rendition: string; qualityCost: number };

export interface WrittenRecipe {
  class: string;
  preset: string;
  reason: string;
  settings?: Record<string, string | number | boolean>;
  ladder: WrittenRendition[];
  downgrades?: WrittenDowngrade[];
}

export interface WrittenRecipeFile {
  deliverable: string;
  codec: "h264" | "hevc" | "av1" | "vp9";
  encoder: string;
  pool: string;
  hdr?: boolean;
  bitDepth?: number;
  recipes: WrittenRecipe[];
}
