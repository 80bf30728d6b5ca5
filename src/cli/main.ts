// The `vps` entry point and the one place errors become exit codes:
// 0 ok, 1 a gate failed, 2 invalid input or usage, 3 an external tool failed, 70 a bug.
import { Command, CommanderError } from "commander";
import { EXIT, ExternalError, InputError, OutcomeError } from "../util/errors";
import { registerAnalyze } from "./analyze";
import { registerBench } from "./bench";
import { registerCalibrate } from "./calibrate";
import { registerCheckPackage } from "./checkPackage";
import { registerLadder } from "./ladder";
import { registerForecast } from "./forecast";
import { packageVersion } from "./paths";
import { registerPlan } from "./plan";
import { registerRecipes } from "./recipes";
import { registerRun } from "./run";
import { registerSchema } from "./schema";
import { registerSimulate } from "./simulate";
import { registerVerify } from "./verify";
import { registerFarm } from "./farm";
import { registerWorker } from "./worker";

/** Every command and option of `vps` (exported so tests can read the help texts). */
export function program(): Command {
  const p = new Command("vps")
    .description("video processing pipeline scheduler: plan, simulate and run a fixed encoding farm")
    .version(packageVersion())
    .exitOverride()
    .showHelpAfterError("(run vps --help for usage)");
  registerPlan(p);
  registerSimulate(p);
  registerForecast(p);
  registerSchema(p);
  registerVerify(p);
  registerBench(p);
  registerCalibrate(p);
  registerAnalyze(p);
  registerLadder(p);
  registerRecipes(p);
  registerRun(p);
  registerCheckPackage(p);
  registerWorker(p);
  registerFarm(p);
  return p;
}

function report(e: unknown): number {
  if (e instanceof CommanderError) {
    // Help and --version are not errors; commander already printed what it had to say.
    return e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help" ? EXIT.ok : EXIT.input;
  }
  if (e instanceof InputError) {
    for (const line of e.lines()) process.stderr.write(`${line}\n`);
    return EXIT.input;
  }
  // A gate not passed (1), a real run with failures (4) or interrupted (130): the outcome and its details.
  if (e instanceof OutcomeError) {
    process.stderr.write(`vps: ${e.message}\n`);
    for (const line of e.details) process.stderr.write(`${line}\n`);
    return e.exitCode;
  }
  if (e instanceof ExternalError) {
    process.stderr.write(`vps: ${e.message}\n`);
    return EXIT.external;
  }
  process.stderr.write(`vps: internal error (a bug in vps; please report it):\n${(e as Error)?.stack ?? String(e)}\n`);
  return EXIT.bug;
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    await program().parseAsync([...argv], { from: "user" });
    return EXIT.ok;
  } catch (e) {
    return report(e);
  }
}

/** Runs `vps` on this process's arguments (called by bin/vps). */
export function cli(): void {
  // A reader that goes away (`vps plan … | head`) is not an error; any other failed write of
  // stdout (a full disk: `> /dev/full`) is, and must not end in exit 0 with the output lost.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(EXIT.ok);
    process.stderr.write(`vps: cannot write to standard output: ${e.message}\n`);
    process.exit(EXIT.external);
  });
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
