// The application-facing PostgreSQL read/write router: one pg.Pool per server, statements classified
// by domain/sql-statement.ts, replica health driven by the pure machine in domain/replica-health.ts.
export { ReadReplicaRouter, type ClientMode, type QueryOptions } from './read-replica-router.js';
export { CausalTokenError, ReadContext } from './read-context.js';
export type { CausalReadOutcome } from '../domain/causal-read.js';
export {
  parseReplicas,
  ROUTER_DEFAULTS,
  routerOptionsFromEnv,
  type ReplicaStrategy,
  type RouterEvent,
  type RouterOptions,
  type RouterPoolOptions,
  type ServerConfig,
} from './config.js';
export { classifyReplicaError, ReplicaTimeoutError, RouterConfigError, TransactionControlError, type ReplicaErrorKind } from './errors.js';
export type { LatencySummary, ReplicaMetrics, ReplicaStatus, RouterMetrics } from './metrics.js';
export { classifyStatement, type StatementClass, type StatementTarget } from '../domain/sql-statement.js';
