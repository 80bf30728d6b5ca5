// The simulator's typed event trace. Tests assert on this sequence instead of on internals.
import type { DowngradeRecord, TierChange, ValueFigures } from "../model";

export type SimEvent =
  | { type: "title:arrive"; at: number; title: string }
  | { type: "task:start"; at: number; task: string; title: string; pool: string; slots: number }
  | { type: "task:end"; at: number; task: string; title: string; pool: string }
  /** A farm lost the worker a task ran on: the task is ready again. */
  | { type: "task:requeue"; at: number; task: string; title: string; pool: string }
  | { type: "task:fail"; at: number; task: string; title: string; pool: string; reason: string }
  | { type: "title:finish"; at: number; title: string; onTime: boolean | null }
  | { type: "downgrade:apply"; at: number; title: string; downgrade: DowngradeRecord }
  | { type: "value:change"; at: number; title: string; value: ValueFigures; velocity: number }
  | { type: "tier:change"; at: number; title: string; change: TierChange };

export type TraceSink = (event: SimEvent) => void;
