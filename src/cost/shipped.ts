// The shipped cost model's constants that come from measurements rather than round figures.
// Source: shared/data/transcode-times (Wu et al., HPCC 2020; read as src/cost/transcodeTimes.ts
// explains), fitted by src/cost/refit.ts with the same log-linear fit `vps calibrate` runs;
// test/cost/shipped.test.ts refits and fails if these drift from what the fit produces.
//
// What the data can and cannot tell the shipped model:
//  - It measures libx264 (medium) and libvpx-vp9 (cpu-used 1) on the same 720p30 segments, so
//    the VP9 ÷ H.264 work ratio is measured: CODEC_BASE.vp9 comes from it.
//  - Its absolute level is that of one vCPU of a 2019 cloud VM, `dataSlotSlowdown` times slower
//    than the shipped slot. The shipped slot stays the round figure (CODEC_BASE.h264 = 1.5): a slot's
//    speed belongs to the farm, which is what `vps calibrate` fits from the farm's own history.
//  - It has one output size per codec (720p30), no HEVC or AV1, one preset per codec, no 10-bit,
//    no complexity and no multi-slot runs: resolution scaling, HEVC and AV1 bases, the preset
//    table, complexity and bit-depth factors, the speedup curve, memory and the small stages
//    remain round figures from public encoder reports.

export interface ShippedFit {
  /** libvpx-vp9 (cpu-used 1) work ÷ libx264 (medium) work on the same segments. */
  vp9OverH264: number;
  /** CODEC_BASE.vp9: that ratio expressed at the numeric reference preset (8) through the preset table. */
  vp9Base: number;
  /** The data's H.264 work ÷ the shipped model's for the same runs: how much slower its slot is. */
  dataSlotSlowdown: number;
  /**
   * σ of ln(a video's measured cost ÷ the fitted cost): how far one title's cost strays from any
   * prediction made without seeing it (for the simulator's hidden "true" cost, issue 5 part 3).
   */
  titleSigma: number;
}

export const SHIPPED_FIT: ShippedFit = {
  vp9OverH264: 2.1,
  vp9Base: 0.308,
  dataSlotSlowdown: 4.77,
  titleSigma: 0.231,
};
