import type pg from 'pg';

/**
 * Makes `client` (a primary connection handed out by `getClient('write')`) call `afterCommit` whenever a
 * statement leaves the session outside a transaction block: after COMMIT (or ROLLBACK) of an explicit
 * transaction, and after every autocommit statement. `pg` reports the session's state from the server's
 * ReadyForQuery message (`getTransactionStatus()`: `I` idle, `T` in a transaction, `E` failed one).
 * The promise of that statement resolves only after `afterCommit` has, so the caller's next read sees
 * the position. Callback and submittable (cursor) calls pass through unobserved. `release()` restores the
 * client before it returns to the pool, so the router's own pooled queries are never observed.
 */
export function observeCommits(client: pg.PoolClient, afterCommit: (client: pg.PoolClient) => Promise<void>): pg.PoolClient {
  const original = client.query;
  const release = client.release;
  const observed = async function (this: pg.PoolClient, ...args: unknown[]): Promise<unknown> {
    const result: unknown = await Reflect.apply(original, client, args);
    if (client.getTransactionStatus() === 'I') {
      client.query = original;
      try {
        await afterCommit(client);
      } finally {
        client.query = wrapped;
      }
    }
    return result;
  };
  const wrapped = function (this: pg.PoolClient, ...args: unknown[]): unknown {
    if (args.some((arg) => typeof arg === 'function') || isSubmittable(args[0])) return Reflect.apply(original, client, args);
    return observed.apply(client, args);
  } as typeof client.query;
  client.query = wrapped;
  client.release = (error?: Error | boolean): void => {
    client.query = original;
    client.release = release;
    release.call(client, error);
  };
  return client;
}

function isSubmittable(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { submit?: unknown }).submit === 'function';
}
