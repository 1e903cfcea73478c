import { Context } from '@temporalio/activity';

type Fields = Record<string, unknown>;

/**
 * The running activity's logger (its lines carry workflowId, activityType and attempt), or a no-op
 * outside an activity, so shared helpers can log without knowing who calls them.
 */
export function activityLog(): { info(message: string, fields?: Fields): void; warn(message: string, fields?: Fields): void } {
  try {
    return Context.current().log;
  } catch {
    return { info: () => undefined, warn: () => undefined };
  }
}
