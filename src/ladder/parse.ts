// Reading ffmpeg's psnr and ssim summaries off its stderr. Pure.
//
//   [Parsed_psnr_2 @ 0x…] PSNR y:34.497127 u:40.644602 v:44.292605 average:35.896120 min:… max:…
//   [Parsed_ssim_3 @ 0x…] SSIM Y:0.918724 (10.900361) U:0.955516 (13.517999) V:… All:0.934507 (11.838023)
//
// A lossless encode has PSNR `inf`; it is reported as MAX_PSNR so curves and fits stay finite.

/** PSNR given to an identical picture (psnr prints `inf`). */
export const MAX_PSNR = 100;

export interface Quality {
  psnr: number;
  /** Null when SSIM was not measured. */
  ssim: number | null;
}

const PSNR_LINE = /\bPSNR y:(inf|[\d.]+)/g;
const SSIM_LINE = /\bSSIM Y:([\d.]+)/g;

function lastMatch(re: RegExp, text: string): string | null {
  let last: string | null = null;
  for (const m of text.matchAll(re)) last = m[1]!;
  return last;
}

/** The luma PSNR and SSIM of the last summaries in `stderr`; null when PSNR (or SSIM, when `withSsim`) is missing. */
export function parseQuality(stderr: string, withSsim = true): Quality | null {
  const psnr = lastMatch(PSNR_LINE, stderr);
  const ssim = lastMatch(SSIM_LINE, stderr);
  if (psnr === null || (withSsim && ssim === null)) return null;
  const p = psnr === "inf" ? MAX_PSNR : Math.min(MAX_PSNR, Number(psnr));
  const s = withSsim ? Number(ssim) : null;
  if (!Number.isFinite(p) || (s !== null && !Number.isFinite(s))) return null;
  return { psnr: p, ssim: s };
}

/** ffprobe's `nb_read_packets` (csv=p=0): the number of frames of a stream; null when unreadable. */
export function parseFrameCount(stdout: string): number | null {
  const n = Number(stdout.trim().split(/\s+/)[0]);
  return Number.isInteger(n) && n > 0 ? n : null;
}
