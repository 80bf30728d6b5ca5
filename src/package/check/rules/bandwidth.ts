// HLS: a variant's BANDWIDTH is at least its measured peak segment bit rate, and its
// AVERAGE-BANDWIDTH (when given) at least 90% of the measured average and at most BANDWIDTH. A
// variant with an AUDIO group plays one of its renditions beside its own media, so the largest
// rendition's rate is added (RFC 8216bis §4.4.6.2) — unless the variant is that rendition (ffmpeg
// lists its audio playlist as a variant of its own group too).
import type { SegmentBitrates } from "../bitrate";
import type { Facts, Manifest, Variant } from "../types";
import { bitratesOf, bps, findings, type Findings } from "./measure";

/** The share of the measured average AVERAGE-BANDWIDTH may fall short by. */
const AVERAGE_SLACK = 0.9;

export interface Measured {
  own: SegmentBitrates;
  /** The largest rendition of the AUDIO group, when one is added. */
  audio: { id: string; rates: SegmentBitrates } | null;
}

/** The variant's measured rates; a reason instead when some of its media could not be measured. */
export function measureVariant(m: Manifest, v: Variant, facts: Facts): Measured | string {
  const byId = new Map(m.rungs.map((r) => [r.id, r]));
  const rung = byId.get(v.rung);
  const own = rung ? bitratesOf(rung, facts[rung.id]) : null;
  if (own === null) return "its segments could not all be measured";
  const group = v.audioGroup === null ? [] : (m.audioGroups[v.audioGroup] ?? []);
  if (group.includes(v.rung) || group.length === 0) return { own, audio: null };
  let audio: Measured["audio"] = null;
  for (const id of group) {
    const r = byId.get(id);
    const rates = r ? bitratesOf(r, facts[id]) : null;
    if (rates === null) return `the segments of its audio rendition ${id} could not all be measured`;
    if (audio === null || rates.peak > audio.rates.peak) audio = { id, rates };
  }
  return { own, audio };
}

/** Peak and average of the variant as a player fetches it: its media plus the audio rendition. */
export function variantRates(measured: Measured): SegmentBitrates {
  const a = measured.audio?.rates;
  return { peak: measured.own.peak + (a?.peak ?? 0), average: measured.own.average + (a?.average ?? 0) };
}

function explain(measured: Measured, which: "peak" | "average"): string {
  if (measured.audio === null) return "";
  return ` (media ${bps(measured.own[which])} + audio ${measured.audio.id} ${bps(measured.audio.rates[which])})`;
}

function checkVariant(m: Manifest, v: Variant, facts: Facts, out: Findings): void {
  const where = `${m.name} variant ${v.uri}`;
  if (v.bandwidth === null) out.problems.push(`${where}: no BANDWIDTH (EXT-X-STREAM-INF requires it)`);
  const measured = measureVariant(m, v, facts);
  if (typeof measured === "string") {
    out.notes.push(`${where}: bit rate not measured: ${measured}`);
    return;
  }
  const rates = variantRates(measured);
  if (v.bandwidth !== null && v.bandwidth < rates.peak) {
    out.problems.push(`${where}: BANDWIDTH ${v.bandwidth} is below the measured peak segment bit rate ${bps(rates.peak)}${explain(measured, "peak")}`);
  }
  if (v.averageBandwidth === null) return;
  if (v.averageBandwidth < rates.average * AVERAGE_SLACK) {
    out.problems.push(`${where}: AVERAGE-BANDWIDTH ${v.averageBandwidth} is below 90% of the measured average bit rate ${bps(rates.average)}${explain(measured, "average")}`);
  }
  if (v.bandwidth !== null && v.averageBandwidth > v.bandwidth) out.problems.push(`${where}: AVERAGE-BANDWIDTH ${v.averageBandwidth} is above its BANDWIDTH ${v.bandwidth}`);
}

export function checkBandwidth(m: Manifest, facts: Facts): Findings {
  const out = findings();
  for (const v of m.variants) checkVariant(m, v, facts, out);
  return out;
}
