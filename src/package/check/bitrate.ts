// The bit rates a variant's BANDWIDTH and AVERAGE-BANDWIDTH are held to. One definition for the
// checker and for the packager that writes those attributes, so what one writes the other accepts.

export interface SegmentBitrates {
  /** Bits per second: the peak segment bit rate (RFC 8216bis §4.4.6.2, below). */
  peak: number;
  /** Bits per second: all bits over all seconds. */
  average: number;
}

/** The HLS target duration segments of these durations need: the longest, rounded to the nearest second. */
export const targetDurationOf = (durations: readonly number[]): number => Math.max(1, ...durations.map((d) => Math.round(d)));

/**
 * Peak and average bit rate of a run of segments (`sizes` in bytes, `durations` in seconds).
 *
 * The peak is HLS's "peak segment bit rate": the largest bit rate of any contiguous set of
 * segments whose total duration is between 0.5 and 1.5 times the target duration. A single short
 * segment (the few hundred ms of audio after the last full one) is not a set of its own, so its
 * headers do not read as a burst; one long enough is. With no such set (a playlist shorter than
 * half its target) the peak is the average.
 */
export function segmentBitrates(sizes: readonly number[], durations: readonly number[], targetDuration = targetDurationOf(durations)): SegmentBitrates {
  if (sizes.length !== durations.length) throw new RangeError(`segmentBitrates: ${sizes.length} sizes for ${durations.length} durations`);
  const totalBits = sizes.reduce((s, b) => s + b * 8, 0);
  const totalSeconds = durations.reduce((s, d) => s + d, 0);
  const average = totalSeconds > 0 ? totalBits / totalSeconds : 0;
  const [low, high] = [0.5 * targetDuration, 1.5 * targetDuration];
  let peak: number | null = null;
  for (let i = 0; i < sizes.length; i++) {
    let bits = 0;
    let seconds = 0;
    for (let j = i; j < sizes.length; j++) {
      bits += sizes[j]! * 8;
      seconds += durations[j]!;
      if (seconds > high) break;
      if (seconds >= low && seconds > 0) peak = Math.max(peak ?? 0, bits / seconds);
    }
  }
  return { peak: peak ?? average, average };
}
