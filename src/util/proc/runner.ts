// Runs a tool in a fresh scratch directory and hands back the files it wrote there. ffmpeg's
// measuring filters print per-frame values to files (`metadata=mode=print:file=…`); giving each run
// its own directory keeps concurrent analyses apart and leaves nothing behind. Callers depend on
// the ToolRunner type, so tests can count or fake runs without starting processes.
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ExternalError } from "../errors";
import { runTool, type ToolName, type ToolOutput } from "./tool";

export interface ToolRequest {
  timeoutMs: number;
  /** Names of files the tool writes into its working directory, returned as text. */
  collect?: readonly string[];
}

export interface ToolResult extends ToolOutput {
  files: Record<string, string>;
}

export type ToolRunner = (cmd: ToolName, args: readonly string[], req: ToolRequest) => Promise<ToolResult>;

/** Per-frame metadata of a sampled analysis is a few MB; anything far beyond is a runaway. */
const MAX_COLLECTED_BYTES = 256 * 1024 * 1024;

async function readCollected(dir: string, name: string, tool: ToolName): Promise<string> {
  const path = join(dir, name);
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    throw new ExternalError(`${tool} finished but did not write ${name}`);
  }
  if (size > MAX_COLLECTED_BYTES) throw new ExternalError(`${tool} wrote ${size} bytes to ${name}; the limit is ${MAX_COLLECTED_BYTES}`);
  return readFile(path, "utf8");
}

/** The real thing: spawn the tool (src/util/proc/tool.ts) in a temp dir, read what it wrote, clean up. */
export const localTools: ToolRunner = async (cmd, args, req) => {
  const collect = req.collect ?? [];
  if (collect.length === 0) return { ...(await runTool(cmd, args, { timeoutMs: req.timeoutMs })), files: {} };
  const dir = await mkdtemp(join(tmpdir(), "vps-tool-"));
  try {
    const out = await runTool(cmd, args, { timeoutMs: req.timeoutMs, cwd: dir });
    const files: Record<string, string> = {};
    for (const name of collect) files[name] = await readCollected(dir, name, cmd);
    return { ...out, files };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};
