// Headless Chromium for --play: Debian's `chromium` (VPS_CHROMIUM, else `chromium` on PATH)
// driven by puppeteer-core, which never downloads a browser of its own. Missing or not starting
// is an ExternalError (exit 3).
import { accessSync, constants } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";
import type { Browser } from "puppeteer-core";
import { ExternalError } from "../../../util/errors";

const INSTALL = "install it (apt-get install -y chromium) or set VPS_CHROMIUM to its path";

const executable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** The browser to run: $VPS_CHROMIUM when set, else the first `chromium` on $PATH. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const given = env.VPS_CHROMIUM;
  if (given !== undefined && given !== "") {
    if (!executable(given)) throw new ExternalError(`chromium not found: VPS_CHROMIUM=${given} is not an executable file; ${INSTALL}`);
    return given;
  }
  const dirs = (env.PATH ?? "").split(delimiter).filter((d) => isAbsolute(d));
  const found = dirs.map((d) => join(d, "chromium")).find(executable);
  if (!found) throw new ExternalError(`chromium not found on PATH: ${INSTALL}`);
  return found;
}

/** Chromium's flags: new headless mode, media that plays without a gesture and makes no sound. */
export function chromiumArgs(asRoot: boolean): string[] {
  // Chromium refuses to run as root inside its own sandbox.
  return ["--headless=new", "--autoplay-policy=no-user-gesture-required", "--mute-audio", "--no-first-run", ...(asRoot ? ["--no-sandbox"] : [])];
}

export async function launchChromium(executablePath: string): Promise<Browser> {
  const puppeteer = (await import("puppeteer-core")).default;
  try {
    return await puppeteer.launch({
      executablePath,
      headless: true,
      pipe: true,
      args: chromiumArgs(process.getuid?.() === 0),
      timeout: 60_000,
    });
  } catch (e) {
    throw new ExternalError(`chromium (${executablePath}) did not start: ${(e as Error).message.split("\n")[0]}`);
  }
}
