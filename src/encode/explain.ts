// `vps recipes explain`: for each title and deliverable, which recipe it got and why — the content
// class (and what decided it), the recipe's reason and settings, the ladder after the format
// constraints (rungs above the source dropped, HDR signalled or tone-mapped, bit depth), and the
// normalisation the source needs. Pure: the CLI measures and prints.
import type { ContentClass, DowngradeStep, RecipeBook, Rendition, Title } from "../model";
import type { SourceFacts } from "../content/normalise";
import type { Analysis } from "../content/types";
import { select } from "../recipes/select";
import { lengthChunks } from "../pipeline/expand";
import { outputSize } from "./argv";

export interface RungExplanation extends Rendition {
  /** The frame size this source gives in the rung (its own shape, never upscaled); null without a source file. */
  output: string | null;
}

export interface DeliverableExplanation {
  deliverable: string;
  recipe: {
    id: string;
    encoder: string;
    preset: string;
    reason: string;
    settings: Record<string, string | number | boolean>;
    bitDepth: number;
    hdr: boolean;
  };
  ladder: RungExplanation[];
  /** Where the ladder comes from: the recipe's (rungs above the source dropped) or predicted per title by the rate–quality model. */
  ladderFrom: "recipe" | "per-title";
  /** Rungs of the recipe's ladder this title does not get, each with why. */
  dropped: { name: string; reason: string }[];
  /** Format constraints that shaped the output: HDR signalling, tone mapping, bit depth, a kept undersized rung. */
  constraints: string[];
  /** The recipe's downgrade steps, in the order the scheduler may take them. */
  downgrades: string[];
}

export interface TitleExplanation {
  title: string;
  source: string | null;
  content: {
    class: ContentClass;
    from: "measured" | "written" | "default";
    /** The measured features that decided the class (measured), or what the measurement said (written over a source). */
    reasons: string[];
    measuredClass: ContentClass | null;
    size: string;
    fps: number;
    bitDepth: number;
    hdr: string;
  };
  /** Why the source gets a normalise (mezzanine) step; empty when it needs none. */
  normalise: string[];
  chunks: number;
  deliverables: DeliverableExplanation[];
}

export interface ExplainInput {
  titles: readonly Title[];
  book: RecipeBook;
  sources: ReadonlyMap<string, SourceFacts>;
  analyses: ReadonlyMap<string, Analysis>;
  classFrom: ReadonlyMap<string, "measured" | "written" | "default">;
}

export function explainWorkload(input: ExplainInput): TitleExplanation[] {
  return input.titles.map((t) => explainTitle(t, input));
}

function explainTitle(t: Title, input: ExplainInput): TitleExplanation {
  const facts = input.sources.get(t.id) ?? null;
  const analysis = input.analyses.get(t.id) ?? null;
  const from = input.classFrom.get(t.id) ?? "default";
  const c = t.content;
  return {
    title: t.id,
    source: c.source,
    content: {
      class: c.contentClass,
      from,
      reasons: analysis?.classification.reasons ?? [],
      measuredClass: analysis?.classification.contentClass ?? null,
      size: `${c.width}x${c.height}`,
      fps: c.fps,
      bitDepth: c.bitDepth,
      hdr: c.hdr,
    },
    normalise: facts?.needs.map((n) => n.reason) ?? [],
    // By its length; the plan cuts long encodes into more (policy.maxResponse), which needs the cost model.
    chunks: lengthChunks(c.duration),
    deliverables: t.deliverables.map((d) => explainDeliverable(t, d, input.book, facts)),
  };
}

function explainDeliverable(t: Title, deliverable: string, book: RecipeBook, facts: SourceFacts | null): DeliverableExplanation {
  const { recipe, ladder } = select(book, deliverable, t);
  const perTitle = t.ladders?.[deliverable] !== undefined;
  const kept = new Set(ladder.map((r) => r.name));
  const size = `${t.content.width}x${t.content.height}`;
  const shortSide = Math.min(t.content.width, t.content.height);
  const constraints: string[] = [];
  const undersized = ladder.filter((r) => Math.min(r.width, r.height) > shortSide);
  for (const r of undersized) constraints.push(`${r.name} kept although the source (${size}) is smaller: a deliverable is never empty; the source is not upscaled`);
  constraints.push(...hdrConstraints(t, recipe.hdr, recipe.bitDepth, facts, recipe.deliverable));
  return {
    deliverable,
    recipe: { id: recipe.id, encoder: recipe.encoder, preset: recipe.preset, reason: recipe.reason, settings: { ...recipe.settings }, bitDepth: recipe.bitDepth, hdr: recipe.hdr },
    ladder: ladder.map((r) => ({ ...r, output: facts ? sizeText(outputSize(facts.content, facts.probe, r)) : null })),
    ladderFrom: perTitle ? "per-title" : "recipe",
    // A per-title ladder replaces the recipe's whole: none of its rungs is "dropped".
    dropped: perTitle ? [] : recipe.ladder.filter((r) => !kept.has(r.name)).map((r) => ({ name: r.name, reason: `above the source (${size}): upscaling wastes bits and time` })),
    constraints,
    downgrades: recipe.downgrades.map((d) => downgradeText(d, ladder)),
  };
}

/** A downgrade step as the scheduler could take it for this title, or why it cannot (n/a). */
function downgradeText(d: DowngradeStep, ladder: readonly Rendition[]): string {
  if (d.step === "faster-preset") return `faster-preset ${d.preset} (work ×${d.workFactor}, −${d.qualityCost} quality)`;
  // As src/sched/downgrade.ts: a step that removes a rung needs that rung, and never takes the last one.
  const na = d.step === "defer-rendition" && !ladder.some((r) => r.name === d.rendition) ? `n/a: no ${d.rendition} rung for this title` : ladder.length < 2 ? "n/a: a deliverable keeps its only rung" : null;
  const what = d.step === "defer-rendition" ? `defer-rendition ${d.rendition}` : "drop-top-rung";
  return na === null ? `${what} (−${d.qualityCost} quality)` : `${what} (${na})`;
}

const sizeText = (s: { width: number; height: number }) => `${s.width}x${s.height}`;

function hdrConstraints(t: Title, hdr: boolean, bitDepth: number, facts: SourceFacts | null, deliverable: string): string[] {
  const c = t.content;
  const out: string[] = [];
  if (hdr) {
    const transfer = c.hdr === "hlg" ? "HLG (signalled as HLG, not converted to PQ)" : "PQ (SMPTE ST 2084)";
    out.push(`HDR deliverable: needs an HDR ${bitDepth}-bit source, has ${c.hdr} ${c.bitDepth}-bit; BT.2020 primaries, ${transfer}`);
    if (facts) {
      const md = facts.probe.masteringDisplay ? "mastering display" : null;
      const cl = facts.probe.contentLight ? "MaxCLL/MaxFALL" : null;
      const carried = [md, cl].filter((x) => x !== null);
      out.push(carried.length > 0 ? `${carried.join(" and ")} carried through from the source` : "the source has no mastering display or content light metadata to carry");
    }
  } else if (c.hdr !== "sdr") {
    out.push(`${c.hdr.toUpperCase()} source on SDR deliverable ${deliverable}: tone-mapped to BT.709 SDR (zscale, hable)`);
  }
  if (c.bitDepth > bitDepth) out.push(`${c.bitDepth}-bit source encoded at ${bitDepth} bits`);
  return out;
}
