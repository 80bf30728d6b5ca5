// Times and work as the forecast writes them for people, in the plan tables' forms.
import { formatDuration } from "../util/time";

/** A point in time: an offset from the epoch, as users write them in YAML (`+6h00m00s`). */
export const at = (x: number | null): string => (x === null ? "—" : `+${formatDuration(x)}`);
export const dur = (x: number | null): string => (x === null ? "—" : formatDuration(x));
/** Slot-seconds as slot-hours with one decimal. */
export const slotHours = (x: number): string => (x / 3600).toFixed(1);
/** `1 other`, `12 others`. */
export const others = (n: number): string => (n === 0 ? "this title alone" : `this title and ${n} other${n === 1 ? "" : "s"}`);
