// Saves the histories of running Steward workflows as replay fixtures (test/fixtures/histories), so a
// change that breaks determinism fails test/unit/replay.test.ts instead of stuck workflows in production.
//
//   npm run build && steward demo --once
//   TEMPORAL_ADDRESS=... node dist/test/replay/record-histories.js readonlypool/stellar/testnet-pool ...
//   ... record-histories.js --continued readonlypool/stellar/testnet-pool   (a run that continued-as-new, as <id>-can.json)
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';

const FIXTURES = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', '..', 'test', 'fixtures', 'histories');

/** The fixture file name of a workflow id: slashes become double underscores. */
export function fixtureName(workflowId: string): string {
  return `${workflowId.replaceAll('/', '__')}.json`;
}

async function main(args: string[]): Promise<void> {
  const continued = args.includes('--continued');
  const ids = args.filter((arg) => arg !== '--continued');
  if (ids.length === 0) throw new Error('name the workflow ids to record, e.g. readonlypool/stellar/testnet-pool');
  const address = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' });
  fs.mkdirSync(FIXTURES, { recursive: true });
  for (const id of ids) {
    const runId = continued ? await continuedRun(client, id) : undefined;
    const history = await client.workflow.getHandle(id, runId).fetchHistory();
    const file = path.join(FIXTURES, continued ? fixtureName(id).replace(/\.json$/, '-can.json') : fixtureName(id));
    fs.writeFileSync(file, `${historyToJSON(history)}\n`);
    console.log(`${id}: ${history.events?.length ?? 0} events -> ${path.relative(process.cwd(), file)}`);
  }
  await connection.close();
}

/** The latest run of `id` that ended in continue-as-new; throws when there is none yet. */
async function continuedRun(client: Client, id: string): Promise<string> {
  for await (const run of client.workflow.list({ query: `WorkflowId = '${id}' AND ExecutionStatus = 'ContinuedAsNew'` })) return run.runId;
  throw new Error(`${id} has no run that continued-as-new yet: wait for one (or start it with a small passesPerRun)`);
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(`record-histories: ${(error as Error).message}`);
    process.exit(1);
  });
}
