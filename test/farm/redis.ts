// A real redis-server for the farm tests (src/farm/redisServer.ts, the one the benchmark uses too).
// .ci/run installs redis-server; without it these tests fail loudly rather than skip.
export { freePort, type RedisServer, startRedis } from "../../src/farm/redisServer";
