// Beasley's OR-Library single-machine total weighted tardiness files (wt40.txt and wtopt40.txt,
// Crauwels, Potts & Van Wassenhove 1998): whitespace-separated integers, each instance its n
// processing times, then its n weights, then its n due dates; the optima file one value per
// instance, in order. Pure: text in, instances out.
import { InputError } from "../util/errors";

/** One instance: job j takes p[j], weighs w[j] and is due at d[j]; every job is available at 0. */
export interface WtInstance {
  p: number[];
  w: number[];
  d: number[];
}

function integers(text: string, file: string): number[] {
  const words = text.split(/\s+/).filter((x) => x !== "");
  return words.map((word, i) => {
    if (!/^-?\d+$/.test(word)) throw new InputError(`${file}: expected whitespace-separated integers, found "${word}" (number ${i + 1})`);
    return Number(word);
  });
}

/** The instances of a wt file of `jobs` jobs each (40 for wt40.txt). */
export function parseWtInstances(text: string, jobs: number, file = "instances"): WtInstance[] {
  const xs = integers(text, file);
  const size = 3 * jobs;
  if (xs.length === 0 || xs.length % size !== 0) {
    throw new InputError(`${file}: expected a multiple of ${size} integers (${jobs} processing times, weights and due dates per instance), found ${xs.length}`);
  }
  const out: WtInstance[] = [];
  for (let at = 0; at < xs.length; at += size) {
    const instance = { p: xs.slice(at, at + jobs), w: xs.slice(at + jobs, at + 2 * jobs), d: xs.slice(at + 2 * jobs, at + size) };
    const n = out.length + 1;
    if (instance.p.some((p) => p <= 0)) throw new InputError(`${file}: instance ${n}: expected processing times > 0`);
    if (instance.w.some((w) => w <= 0)) throw new InputError(`${file}: instance ${n}: expected weights > 0`);
    if (instance.d.some((d) => d < 0)) throw new InputError(`${file}: instance ${n}: expected due dates >= 0`);
    out.push(instance);
  }
  return out;
}

/**
 * An instances file and its optima file together: the job count follows from them (one optimum
 * per instance, 3 integers per job), so wt40, wt50 and wt100 read alike.
 */
export function parseWtPair(instancesText: string, optimaText: string, files: { instances: string; optima: string }): { instances: WtInstance[]; optima: number[] } {
  const count = integers(optimaText, files.optima).length;
  if (count === 0) throw new InputError(`${files.optima}: expected one optimal value per instance, found none`);
  const numbers = integers(instancesText, files.instances).length;
  if (numbers % (3 * count) !== 0) {
    throw new InputError(`${files.instances}: expected 3 integers per job for each of the ${count} instances ${files.optima} lists, found ${numbers} integers`);
  }
  const instances = parseWtInstances(instancesText, numbers / (3 * count), files.instances);
  return { instances, optima: parseOptima(optimaText, instances.length, files.optima) };
}

/** The optimal (or best known) objective of each instance, in order. */
export function parseOptima(text: string, instances: number, file = "optima"): number[] {
  const xs = integers(text, file);
  if (xs.length !== instances) throw new InputError(`${file}: expected ${instances} optimal values, one per instance, found ${xs.length}`);
  if (xs.some((x) => x < 0)) throw new InputError(`${file}: expected optimal values >= 0`);
  return xs;
}
