import type { CausalReadOutcome } from '../domain/causal-read.js';
import type { ReplicaHealthReason } from '../domain/replica-health.js';

/** One replica's status as `getReplicaStatus()` reports it (the original design's fields first). */
export interface ReplicaStatus {
  host: string;
  port: number;
  database: string;
  healthy: boolean;
  lastHealthCheck: Date | null;
  failureCount: number;
  /** Milliseconds the last health check took, or null before the first. */
  responseTime: number | null;
  lagBytes: number | null;
  lagSeconds: number | null;
  streaming: boolean | null;
  reason: ReplicaHealthReason;
  message: string;
}

/** Query latency of one server as seen by the router. */
export interface LatencySummary {
  queries: number;
  errors: number;
  avgMs: number;
  maxMs: number;
  lastMs: number;
}

/** One replica's line in `getMetrics()`. */
export interface ReplicaMetrics extends LatencySummary {
  host: string;
  port: number;
  healthy: boolean;
  lagBytes: number | null;
  lagSeconds: number | null;
}

/** The router's counters (the original design's five first), plus per-server latency and lag. */
export interface RouterMetrics {
  readQueries: number;
  writeQueries: number;
  replicaFailovers: number;
  healthCheckFailures: number;
  replicaCount: number;
  healthyReplicaCount: number;
  /** Reads served by the primary: no healthy replica, read-your-writes, or a failover. */
  readsOnPrimary: number;
  /** Reads of a context that had written (or imported a token), by where they went and why (see `CausalReadOutcome`). */
  causalReads: Record<CausalReadOutcome, number>;
  primary: LatencySummary;
  replicas: ReplicaMetrics[];
}

/** Accumulates query latencies of one server. */
export class LatencyStats {
  private queries = 0;
  private errors = 0;
  private totalMs = 0;
  private maxMs = 0;
  private lastMs = 0;

  /** Records one query that took `ms`; `failed` counts it as an error too. */
  record(ms: number, failed: boolean): void {
    this.queries += 1;
    if (failed) this.errors += 1;
    this.totalMs += ms;
    this.lastMs = ms;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  /** A snapshot of the counters. */
  summary(): LatencySummary {
    const avgMs = this.queries === 0 ? 0 : this.totalMs / this.queries;
    return { queries: this.queries, errors: this.errors, avgMs, maxMs: this.maxMs, lastMs: this.lastMs };
  }
}
