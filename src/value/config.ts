// Defaults of the value policy's configuration (`policy:` in a workload or scenario).
import type { PolicyConfig } from "../model";

export const DEFAULT_POLICY_CONFIG: PolicyConfig = {
  // A creator's upload should not wait more than half a day however busy premium work keeps the farm.
  maxWait: 12 * 3600,
  // Off by default: on a farm that owes releases, cutting the bulk work finer made deadlines
  // later under estimate noise (scheduled-release, seeds 11–30: 16 → 42 late titles at 10m).
  maxResponse: null,
  viral: {
    // 20,000 views an hour is well above what a typical upload sees in its first day and what a
    // large creator's new video draws steadily; sustained for a quarter of an hour, it is news.
    promoteAbove: 20_000,
    demoteBelow: 5_000,
    demoteAfter: 2 * 3600,
    smoothing: 15 * 60,
    promoteTo: "premium",
  },
};
