import type { TomlValue } from './toml.js';

/**
 * The port of stellar-core's read-only query server (`HTTP_QUERY_PORT`), the target of every read
 * Service and HTTPRoute. stellar-core has no default (0 disables the server) and refuses a value equal
 * to HTTP_PORT (src/main/ApplicationImpl.cpp), so we pick the port next to the admin port.
 */
export const HTTP_QUERY_PORT = 11627;

/** Threads serving queries (`QUERY_THREAD_POOL_SIZE`; stellar-core's default, allowed 1..1000 by src/main/Config.cpp). */
export const QUERY_THREAD_POOL_SIZE = 4;

/**
 * Historical ledgers kept for `ledgerSeq` queries (`QUERY_SNAPSHOT_LEDGERS`; stellar-core's default). The
 * server answers ledgers `[current - 5, current]`, and after a restart only the ledgers closed since
 * (docs/software/commands.md, "HTTP Query Server").
 */
export const QUERY_SNAPSHOT_LEDGERS = 5;

/**
 * The configuration keys that turn on the query server. Only for watchers: stellar-core refuses to start
 * a networked validator (NODE_IS_VALIDATOR without RUN_STANDALONE) whose HTTP_QUERY_PORT is not 0
 * (src/main/ApplicationImpl.cpp). The server binds where the admin port binds: 0.0.0.0 only with
 * PUBLIC_HTTP_PORT=true (src/main/CommandHandler.cpp), so clients reach it on the pod IP only then.
 */
export function queryServerSettings(): Record<string, TomlValue> {
  return { HTTP_QUERY_PORT, QUERY_THREAD_POOL_SIZE, QUERY_SNAPSHOT_LEDGERS };
}
