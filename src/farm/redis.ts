// The Redis a farm runs on, from the URL a person gives (`--queue redis://[:password@]host[:port][/db]`,
// `rediss://` for TLS). ioredis connects; BullMQ needs `maxRetriesPerRequest: null` on the
// connections its workers block on, and every connection here waits for Redis to come back
// rather than failing a command (a restarted Redis is one of the faults a farm survives).
import { Redis, type RedisOptions } from "ioredis";
import { ExternalError, InputError } from "../util/errors";

export interface RedisTarget {
  /** For messages: the URL without its password. */
  shown: string;
  options: RedisOptions;
}

export function parseRedisUrl(url: string): RedisTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new InputError(`--queue ${JSON.stringify(url)}: not a URL; expected redis://host:port or rediss://host:port (TLS)`);
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") throw new InputError(`--queue ${JSON.stringify(url)}: expected a redis:// or rediss:// URL, found ${u.protocol}`);
  if (!u.hostname) throw new InputError(`--queue ${JSON.stringify(url)}: no host`);
  const port = u.port === "" ? 6379 : Number(u.port);
  const dbText = u.pathname.replace(/^\//, "");
  const db = dbText === "" ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0 || db > 15) throw new InputError(`--queue ${JSON.stringify(url)}: the database (after the /) must be 0-15, found ${JSON.stringify(dbText)}`);
  const options: RedisOptions = {
    host: u.hostname.replace(/^\[|\]$/g, ""),
    port,
    db,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === "rediss:" ? { tls: { servername: u.hostname } } : {}),
    maxRetriesPerRequest: null,
    // Back off to at most 2 s between reconnects: a restarted Redis is back within seconds.
    retryStrategy: (times) => Math.min(2000, 100 * times),
  };
  const shown = `${u.protocol}//${u.username ? `${u.username}@` : ""}${u.host}${u.pathname === "/" ? "" : u.pathname}`;
  return { shown, options };
}

export function connect(target: RedisTarget, name: string): Redis {
  return new Redis({ ...target.options, connectionName: name });
}

/** Waits for the first connection (a clear error after `ms` rather than retrying for ever at startup). */
export async function ready(redis: Redis, target: RedisTarget, ms = 10_000): Promise<void> {
  if (redis.status === "ready") return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new ExternalError(`cannot reach Redis at ${target.shown} (${last ?? "no answer"}) within ${ms / 1000} s`));
    }, ms);
    let last: string | undefined;
    const onError = (e: Error) => (last = e.message);
    const onReady = () => (cleanup(), resolve());
    const cleanup = () => {
      clearTimeout(timer);
      redis.off("ready", onReady);
      redis.off("error", onError);
    };
    redis.on("ready", onReady);
    redis.on("error", onError);
  });
}
