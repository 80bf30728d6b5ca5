// A normalised Workload written back as workload YAML (for `vps scenario … --write` and tests).
// Times and durations are plain seconds so the round trip is exact; defaults are left out so the
// file stays readable. Key order is fixed, so the same workload always gives the same text.
import { stringify } from "yaml";
import type { ContentProfile, PipelineStage, Pool, Title, Workload } from "../model";
import type { WrittenContent, WrittenPool, WrittenStage, WrittenTitle, WrittenWorkload } from "./written";

/**
 * `loadWorkloadText(file, workloadToYaml(w), book)` deep-equals `w` when `w` came from the loader
 * (or obeys the same normal form): tiers include the defaults, sources are absolute paths.
 */
export function workloadToYaml(w: Workload): string {
  const written: WrittenWorkload = {
    epoch: w.epoch,
    capacity: {
      pools: Object.fromEntries(w.capacity.pools.map((p) => [p.id, writePool(p)])),
      ...(w.capacity.scratchGiB !== null ? { scratchGiB: w.capacity.scratchGiB } : {}),
    },
    tiers: { ...w.tiers },
    ...(Object.keys(w.pipelines).length > 0 ? { pipelines: writePipelines(w.pipelines) } : {}),
    titles: w.titles.map(writeTitle),
    policy: { maxWait: w.policy.maxWait, ...(w.policy.maxResponse === null ? {} : { maxResponse: w.policy.maxResponse }), viral: { ...w.policy.viral } },
    ...(w.events.length > 0 ? { events: w.events.map((e) => ({ ...e })) } : {}),
  };
  // lineWidth 0: never fold long strings (paths, reasons) across lines.
  return stringify(written, { lineWidth: 0 });
}

function writePool(p: Pool): number | WrittenPool {
  return p.memoryGiB === null ? p.slots : { slots: p.slots, memoryGiB: p.memoryGiB };
}

function writePipelines(pipelines: Record<string, PipelineStage[]>): Record<string, WrittenStage[]> {
  return Object.fromEntries(Object.entries(pipelines).map(([name, stages]) => [name, stages.map(writeStage)]));
}

function writeStage(s: PipelineStage): WrittenStage {
  return {
    id: s.id,
    kind: s.kind,
    ...(s.after.length > 0 ? { after: [...s.after] } : {}),
    ...(s.pool !== null ? { pool: s.pool } : {}),
    ...(s.workPerSecond !== 0 ? { workPerSecond: s.workPerSecond } : {}),
    ...(s.slots !== 1 ? { slots: s.slots } : {}),
  };
}

function writeTitle(t: Title): WrittenTitle {
  const value = Object.fromEntries(Object.entries(t.value).filter(([, v]) => v !== 0));
  return {
    id: t.id,
    arrival: t.arrival,
    tier: t.tier,
    ...(Object.keys(value).length > 0 ? { value } : {}),
    content: writeContent(t.content),
    deliverables: [...t.deliverables],
    ...(t.deadline !== null ? { deadline: t.deadline } : {}),
    ...(t.work !== null ? { work: t.work } : {}),
    ...(t.pipeline !== null ? { pipeline: t.pipeline } : {}),
  };
}

function writeContent(c: ContentProfile): WrittenContent {
  return {
    duration: c.duration,
    resolution: `${c.width}x${c.height}`,
    fps: c.fps,
    bitDepth: c.bitDepth,
    hdr: c.hdr,
    class: c.contentClass,
    complexity: c.complexity,
    ...(c.source !== null ? { source: c.source } : {}),
    ...(c.audio === false ? { audio: false } : {}),
  };
}
