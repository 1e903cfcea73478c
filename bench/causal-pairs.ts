// Write-then-read pairs through the router, for the causal-read test and the router benchmark: each pair
// writes a row on the primary in one of four ways, then reads it back in the writer's context, and counts
// the read as stale when the row is missing. Needs the table `causal_probe (id int PRIMARY KEY, note text)`.
import type { ReadContext, ReadReplicaRouter } from '../router/index.js';

export const CAUSAL_PROBE_TABLE = 'CREATE TABLE causal_probe (id int PRIMARY KEY, note text)';

export interface Seen {
  note: string | null;
  port: number;
}

export interface PairsOutcome {
  stale: number;
  /** Reads per server port. */
  ports: Map<number, number>;
}

/** Reads row `id` through the router in `context`: the note (null when the row is missing) and where it ran. */
export async function readBack(router: ReadReplicaRouter, id: number, context: ReadContext): Promise<Seen> {
  const { rows } = await router.query<{ note: string | null; port: number }>(
    'SELECT (SELECT note FROM causal_probe WHERE id = $1) AS note, inet_server_port() AS port',
    [id],
    { context },
  );
  const row = rows[0];
  if (!row) throw new Error('the read returned no row');
  return row;
}

/**
 * Writes row `id` in one of four ways (autocommit, transaction helper, explicit write client, autocommit then
 * a token carried to a new context, by `id % 4`) and returns the context to read it in. The fourth way needs
 * causal reads.
 */
export async function writeRow(router: ReadReplicaRouter, id: number): Promise<ReadContext> {
  const context = router.createContext();
  const note = `n${id}`;
  const way = id % 4;
  if (way === 0 || way === 3) {
    await router.query('INSERT INTO causal_probe (id, note) VALUES ($1, $2)', [id, note], { context });
  } else if (way === 1) {
    await router.transaction('write', (client) => client.query('INSERT INTO causal_probe (id, note) VALUES ($1, $2)', [id, note]), { context });
  } else {
    const client = await router.getClient('write', { context });
    try {
      await client.query('BEGIN');
      await client.query('INSERT INTO causal_probe (id, note) VALUES ($1, $2)', [id, note]);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  }
  if (way !== 3) return context;
  const token = context.exportToken();
  if (!token) throw new Error('a context that wrote has no token');
  return router.createContext(token);
}

/** Writes then reads back each of `ids` from `workers` concurrent loops, counting stale reads and reads per port. */
export async function writeThenReadPairs(router: ReadReplicaRouter, ids: readonly number[], workers: number): Promise<PairsOutcome> {
  const ports = new Map<number, number>();
  let stale = 0;
  let next = 0;
  const loop = async (): Promise<void> => {
    while (next < ids.length) {
      const id = ids[next] as number;
      next += 1;
      const context = await writeRow(router, id);
      const seen = await readBack(router, id, context);
      if (seen.note !== `n${id}`) stale += 1;
      ports.set(seen.port, (ports.get(seen.port) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: workers }, loop));
  return { stale, ports };
}

/** `count` ids from `first`, leaving out the ones whose write carries a token (id % 4 === 3) when `carryingTokens` is false. */
export function pairIds(first: number, count: number, carryingTokens = true): number[] {
  return Array.from({ length: count }, (_, offset) => first + offset).filter((id) => carryingTokens || id % 4 !== 3);
}
