// The cost model as the pipeline sees it: every prediction a task needs (work, slots, duration,
// memory, scratch, and the small stages' durations), behind one interface so a model fitted from
// a farm's own history (`vps calibrate`, `--cost-model`) can replace the shipped defaults.
import type { AudioProfile, Codec, ContentProfile, Rendition } from "../model";

export interface EncodeSpec {
  codec: Codec;
  preset: string;
  bitDepth: number;
  rendition: Rendition;
  content: ContentProfile;
  /** Seconds of video this task encodes (a chunk or the whole title). */
  seconds: number;
}

export interface CostModel {
  /** Where the model came from (`default`, or the model file), for messages. */
  readonly name: string;
  /** Work (slot-seconds) of decoding the source plus encoding one rendition of `spec.seconds` of it. */
  encodeWork(spec: EncodeSpec): number;
  /** Slots an encode task asks for. */
  encodeSlots(rendition: Rendition): number;
  /** Wall seconds of `work` on `slots` slots. */
  durationOn(work: number, slots: number, rendition: Rendition): number;
  /**
   * The speedup curve of one encode: the fraction of its work that spreads over slots (Amdahl),
   * so it runs `work × (1 − p + p/s)` seconds on s slots. Per codec and frame size.
   */
  parallelFraction(codec: Codec, rendition: Rendition): number;
  /** Peak resident memory of one encoder process, GiB. */
  encodeMemoryGiB(codec: Codec, rendition: Rendition): number;
  /** GiB an encoded rendition (or chunk) occupies in scratch until it is packaged. */
  outputGiB(rendition: Rendition, seconds: number): number;
  /** GiB of the lossless mezzanine a normalised source is turned into. */
  mezzanineGiB(content: ContentProfile): number;
  /** Wall seconds of the analyse stage (one slot). */
  analyseWork(content: ContentProfile): number;
  /**
   * Wall seconds of the normalise stage (one slot): decoding the source, deinterlacing or fixing its
   * frame rate or pixel format, and writing a lossless mezzanine every encode then reads.
   */
  normaliseWork(content: ContentProfile): number;
  /** Wall seconds of joining a rendition's chunks. */
  joinDuration(content: ContentProfile): number;
  /** Wall seconds (one slot) of encoding one audio rendition of the title from its source. */
  audioDuration(content: ContentProfile, codec: AudioProfile["codec"]): number;
  /** Wall seconds of packaging `renditions` renditions of one deliverable. */
  packageDuration(content: ContentProfile, renditions: number): number;
  /** Wall seconds of the publish stage. */
  publishDuration(): number;
}
