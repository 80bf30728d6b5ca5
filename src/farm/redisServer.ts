// A private redis-server for the farm's benchmark and tests: Debian's, on a free 127.0.0.1 port,
// with no persistence (nothing written to disk, so a restart loses everything, as the fault tests
// want), stopped by its pid. Nothing is downloaded: without redis-server on PATH this says so.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { ExternalError } from "../util/errors";

export interface RedisServer {
  port: number;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** A port nothing listens on now (the kernel's pick), closed again at once. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function ping(port: number): boolean {
  const r = spawnSync("redis-cli", ["-h", "127.0.0.1", "-p", String(port), "ping"], { encoding: "utf8", timeout: 2000 });
  return r.stdout?.trim() === "PONG";
}

function missing(tool: string): boolean {
  return spawnSync(tool, ["--version"], { stdio: "ignore" }).error !== undefined;
}

/** Starts redis-server on `port` (a free one when not given) and waits until it answers. */
export async function startRedis(port?: number): Promise<RedisServer> {
  for (const tool of ["redis-server", "redis-cli"]) {
    if (missing(tool)) throw new ExternalError(`${tool} is not on PATH: install Redis (Debian: apt-get install redis-server)`);
  }
  const p = port ?? (await freePort());
  const args = ["--port", String(p), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes", "--loglevel", "warning"];
  const child: ChildProcess = spawn("redis-server", args, { stdio: ["ignore", "ignore", "pipe"] });
  child.on("error", () => {}); // checked above; a failure to start shows as no answer below
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (s: string) => (stderr += s));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const until = performance.now() + 10_000;
  while (!ping(p)) {
    if (child.exitCode !== null || performance.now() > until) {
      if (child.exitCode === null) process.kill(child.pid!, "SIGTERM");
      throw new ExternalError(`redis-server did not start on port ${p}: ${stderr.trim() || "no answer to PING"}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port: p,
    url: `redis://127.0.0.1:${p}`,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode !== null) return;
      process.kill(child.pid!, "SIGTERM");
      await exited;
    },
  };
}
