// What an input error says, for tests of every loader.
import { expect } from "vitest";
import { InputError } from "../src/util/errors";

/** The InputError `fn` throws (fails the test if it throws anything else or nothing). */
export function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error("expected an InputError, but nothing was thrown");
}

/** The printed lines of the InputError `fn` throws. */
export function inputErrorLines(fn: () => unknown): string[] {
  return inputError(fn).lines();
}
