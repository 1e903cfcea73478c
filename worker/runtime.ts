import { DefaultLogger, makeTelemetryFilterString, Runtime, type LogEntry, type LogLevel, type Logger } from '@temporalio/worker';

/** How the worker writes logs: `json` (one object per line, for collectors) or `text` (for people). */
export type LogFormat = 'json' | 'text';

/** Options of the process-wide Temporal runtime. */
export interface RuntimeOptions {
  level?: LogLevel;
  format?: LogFormat;
  /** `host:port` of the Prometheus endpoint (`/metrics`); no endpoint when absent. */
  metricsAddress?: string;
}

let logger: Logger | undefined;

/**
 * One log line: JSON with time, level, message and the SDK's fields (workflowId, activityType, ...), or text.
 * Errors in the fields keep their name, message, failure type and cause (JSON.stringify would print `{}`);
 * `taskToken` fields are left out wherever they are: a task token lets its holder complete the activity.
 */
export function formatLogEntry(entry: LogEntry, format: LogFormat): string {
  const time = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
  if (format === 'text') {
    const meta = entry.meta && Object.keys(entry.meta).length ? ` ${JSON.stringify(entry.meta, logValue)}` : '';
    return `${time} [${entry.level}] ${entry.message}${meta}`;
  }
  return JSON.stringify({ time, level: entry.level.toLowerCase(), message: entry.message, ...entry.meta }, logValue);
}

/** Fields never written to a log line. */
const SECRET_FIELDS = new Set(['taskToken']);

function logValue(key: string, value: unknown): unknown {
  if (SECRET_FIELDS.has(key)) return undefined;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return errorFields(value);
  return value;
}

function errorFields(error: Error): Record<string, unknown> {
  const { type, nonRetryable } = error as { type?: unknown; nonRetryable?: unknown };
  return { name: error.name, message: error.message, type, nonRetryable, cause: error.cause };
}

/**
 * Installs the Temporal runtime once per process: its logger (the SDK's, the workflows' and the
 * activities' logs all go through it, and so do the Temporal core's own lines, forwarded at `level`)
 * and, with `metricsAddress`, the Prometheus endpoint that serves the SDK's metrics and Steward's own.
 * Later calls return the logger installed first.
 */
export function installRuntime(options: RuntimeOptions = {}): Logger {
  if (logger) return logger;
  const format = options.format ?? 'text';
  const level = options.level ?? 'INFO';
  const installed = new DefaultLogger(level, (entry) => process.stderr.write(`${formatLogEntry(entry, format)}\n`));
  logger = installed;
  try {
    Runtime.install({
      logger: installed,
      telemetryOptions: {
        // Without `forward`, the core prints its own ANSI-coloured text lines straight to stderr.
        logging: { filter: makeTelemetryFilterString({ core: level, other: 'ERROR' }), forward: {} },
        metrics: options.metricsAddress ? { prometheus: { bindAddress: options.metricsAddress } } : undefined,
      },
    });
  } catch {
    // another part of this process installed it first
  }
  return installed;
}

/** Runtime options from STEWARD_LOG_LEVEL, STEWARD_LOG_FORMAT and STEWARD_METRICS_ADDRESS (or STEWARD_METRICS_PORT). */
export function runtimeOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): RuntimeOptions {
  const format = env.STEWARD_LOG_FORMAT ?? 'text';
  if (format !== 'json' && format !== 'text') throw new Error(`STEWARD_LOG_FORMAT=${format} is not a log format: use json or text`);
  const level = (env.STEWARD_LOG_LEVEL ?? 'INFO').toUpperCase();
  if (!['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'].includes(level)) throw new Error(`STEWARD_LOG_LEVEL=${level} is not a level: use DEBUG, INFO, WARN or ERROR`);
  const port = env.STEWARD_METRICS_PORT;
  if (port !== undefined && !/^\d+$/.test(port)) throw new Error(`STEWARD_METRICS_PORT=${port} is not a port number`);
  const metricsAddress = env.STEWARD_METRICS_ADDRESS ?? (port === '0' ? undefined : `0.0.0.0:${port ?? '9464'}`);
  return { format, level: level as LogLevel, metricsAddress };
}
