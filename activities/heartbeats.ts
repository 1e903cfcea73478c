import { ApplicationFailure, Context } from '@temporalio/activity';
import { KubeApiError } from '../kube/rest.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ActivityFunction = (...args: any[]) => Promise<unknown>;

/** How often a running activity heartbeats; workflows give activities a heartbeat timeout of a few seconds. */
const HEARTBEAT_MS = 1000;

/** API answers that no retry can change: the loop reports them on the resource instead of retrying blindly. */
const PERMANENT: Record<number, string> = { 403: 'Forbidden', 422: 'Invalid' };

/**
 * Wraps every activity so that it heartbeats each second while it runs (a worker killed mid-activity is
 * noticed within the heartbeat timeout, not the start-to-close timeout) and so that a 403 or 422 from the
 * API server fails it at once as a non-retryable `ApplicationFailure` of type `Forbidden` or `Invalid`,
 * keeping the API's message and the cause.
 */
export function withHeartbeats<T extends Record<string, ActivityFunction>>(activities: T): T {
  const wrapped: Record<string, ActivityFunction> = {};
  for (const [name, activity] of Object.entries(activities)) {
    wrapped[name] = async (...args: unknown[]) => {
      const timer = startHeartbeats();
      try {
        return await activity(...args);
      } catch (error) {
        throw classified(error);
      } finally {
        clearInterval(timer);
      }
    };
  }
  return wrapped as T;
}

function startHeartbeats(): NodeJS.Timeout | undefined {
  let context: Context;
  try {
    context = Context.current();
  } catch {
    return undefined;
  }
  // A local activity runs inside its workflow task and cannot heartbeat.
  if (context.info.isLocal) return undefined;
  return setInterval(() => context.heartbeat(), HEARTBEAT_MS);
}

function classified(error: unknown): unknown {
  if (!(error instanceof KubeApiError)) return error;
  const type = PERMANENT[error.status];
  if (!type) return error;
  return ApplicationFailure.create({ message: error.message, type, nonRetryable: true, cause: error });
}
