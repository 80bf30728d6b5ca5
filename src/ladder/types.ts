// What a per-title ladder is made of. A trial is one short test encode of a title's excerpt at one
// resolution and one quality level; its point is what it cost (bitrate) and what it kept (PSNR-Y
// and SSIM against the source, after scaling back up to the source's size). The rate–quality
// convex hull of those points is the best any ladder can do on this title; rungs are picked from it.

/** A frame size. */
export interface Size {
  width: number;
  height: number;
}

/** One measured (or predicted) operating point of an encoder on one title. */
export interface RatePoint extends Size {
  /** Bitrate of the video stream, kbit/s (container and SEI overhead excluded). */
  kbps: number;
  /** PSNR of the luma plane against the source at the source's size, dB (from the mean MSE over frames). */
  psnr: number;
  /** SSIM of the luma plane against the source at the source's size, 0..1; null when predicted. */
  ssim: number | null;
}

/** A trial: a test encode at one size and one quality level (the encoder's CRF). */
export interface TrialSpec extends Size {
  crf: number;
}

export type TrialPoint = RatePoint & TrialSpec;

/** A rung picked for a ladder: a rendition plus the quality the trials say it will have. */
export interface Rung extends Size {
  name: string;
  kbps: number;
  /** PSNR-Y interpolated on that size's own rate–quality curve at the rung's bitrate, dB. */
  psnr: number;
}
