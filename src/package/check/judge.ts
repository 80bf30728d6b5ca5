// A manifest judged by every rule, from the manifest and the facts gathered about its files: pure,
// so each rule's verdicts are tested on hand-made manifests and facts.
import { checkBandwidth, measureVariant, variantRates } from "./rules/bandwidth";
import { checkCodecs } from "./rules/codecs";
import { checkFiles } from "./rules/files";
import { bitratesOf, kindOf, totalDuration, type Findings } from "./rules/measure";
import { checkSegmentDurations } from "./rules/segments";
import { checkTotals } from "./rules/totals";
import type { Facts, Manifest, ManifestKind, ProbedStream, Rung, RungKind, SourceFacts, Variant } from "./types";

export interface RungReport {
  id: string;
  kind: RungKind;
  segments: number;
  /** Seconds: the sum of its segments' declared durations. */
  duration: number;
  declared: { codecs: string | null; width: number | null; height: number | null };
  /** Bits per second over its segments (null when a segment is missing). */
  peak: number | null;
  average: number | null;
  probe: ProbedStream[] | { error: string } | null;
}

export interface VariantReport {
  uri: string;
  rung: string;
  bandwidth: number | null;
  averageBandwidth: number | null;
  codecs: string | null;
  resolution: string | null;
  /** With its AUDIO group's largest rendition (null when not measured). */
  measuredPeak: number | null;
  measuredAverage: number | null;
}

export interface ManifestReport {
  path: string;
  kind: ManifestKind;
  rungs: RungReport[];
  variants: VariantReport[];
  problems: string[];
  notes: string[];
}

function rungReport(rung: Rung, facts: Facts): RungReport {
  const f = facts[rung.id];
  const rates = bitratesOf(rung, f);
  return {
    id: rung.id,
    kind: kindOf(rung, f),
    segments: rung.segments.length,
    duration: Number(totalDuration(rung).toFixed(6)),
    declared: { codecs: rung.codecs, width: rung.width, height: rung.height },
    peak: rates ? Math.round(rates.peak) : null,
    average: rates ? Math.round(rates.average) : null,
    probe: f?.probe ?? null,
  };
}

function variantReport(m: Manifest, v: Variant, facts: Facts): VariantReport {
  const measured = measureVariant(m, v, facts);
  const rates = typeof measured === "string" ? null : variantRates(measured);
  return {
    uri: v.uri,
    rung: v.rung,
    bandwidth: v.bandwidth,
    averageBandwidth: v.averageBandwidth,
    codecs: v.codecs,
    resolution: v.resolution ? `${v.resolution.width}x${v.resolution.height}` : null,
    measuredPeak: rates ? Math.round(rates.peak) : null,
    measuredAverage: rates ? Math.round(rates.average) : null,
  };
}

export function judgeManifest(m: Manifest, facts: Facts, source: SourceFacts | null): ManifestReport {
  const all: Findings[] = [
    { problems: m.problems, notes: m.notes },
    checkFiles(m, facts),
    checkSegmentDurations(m),
    checkTotals(m, facts, source),
    checkBandwidth(m, facts),
    checkCodecs(m, facts),
  ];
  return {
    path: m.name,
    kind: m.kind,
    rungs: m.rungs.map((r) => rungReport(r, facts)),
    variants: m.variants.map((v) => variantReport(m, v, facts)),
    problems: all.flatMap((f) => f.problems),
    notes: all.flatMap((f) => f.notes),
  };
}
