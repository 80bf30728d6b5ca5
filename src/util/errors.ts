// A tiny error taxonomy with one exit point (src/cli/main.ts maps these to exit codes).
import type { SourcePos } from "../model";

export const EXIT = { ok: 0, gate: 1, input: 2, external: 3, failed: 4, bug: 70, interrupted: 130 } as const;

/** One problem in a user's input, printed as `file:line:col path: message`. */
export interface Problem {
  pos: SourcePos;
  message: string;
}

export function formatProblem(p: Problem): string {
  return `${p.pos.file}:${p.pos.line}:${p.pos.col} ${p.pos.path}: ${p.message}`;
}

/** Invalid input or usage: exit 2, one line per problem, nothing written. */
export class InputError extends Error {
  readonly exitCode = EXIT.input;
  private extra: string[] = [];
  constructor(
    message: string,
    readonly problems: Problem[] = [],
  ) {
    super(message);
    this.name = "InputError";
  }

  /** Lines to print after the positioned problems (or instead of the message when there are none). */
  withLines(lines: string[]): this {
    this.extra = lines;
    return this;
  }

  lines(): string[] {
    if (this.problems.length > 0) return [...this.problems.map(formatProblem), ...this.extra];
    return this.extra.length > 0 ? this.extra : [this.message];
  }
}

/** An external tool (ffmpeg, ffprobe) is missing or failed: exit 3. */
export class ExternalError extends Error {
  readonly exitCode = EXIT.external;
  constructor(message: string) {
    super(message);
    this.name = "ExternalError";
  }
}

/** A command did its work and has an outcome to report that is not success: its message, the details, its exit code. */
export class OutcomeError extends Error {
  constructor(
    message: string,
    readonly details: string[],
    readonly exitCode: number,
  ) {
    super(message);
    this.name = "OutcomeError";
  }
}

/** A check the user asked for did not pass (e.g. --min-compliance): exit 1. */
export class GateError extends OutcomeError {
  constructor(message: string, details: string[] = []) {
    super(message, details, EXIT.gate);
    this.name = "GateError";
  }
}

/** A real run finished but some titles failed (held, or published without renditions): exit 4. */
export class RunFailed extends OutcomeError {
  constructor(message: string, details: string[] = []) {
    super(message, details, EXIT.failed);
    this.name = "RunFailed";
  }
}

/** A real run was stopped (Ctrl-C, SIGTERM) before it finished; running it again resumes: exit 130. */
export class RunInterrupted extends OutcomeError {
  constructor(message: string) {
    super(message, [], EXIT.interrupted);
    this.name = "RunInterrupted";
  }
}

/** "Cannot happen": a bug in vps, printed with its stack (exit 70). */
export class InternalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InternalError";
  }
}

export function invariant(cond: unknown, message: string): asserts cond {
  if (!cond) throw new InternalError(message);
}
