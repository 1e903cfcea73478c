import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { Worker } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../../worker/worker.js';

// Histories recorded from the demo (test/replay/record-histories.ts) replayed against today's workflow
// code: a change that is not deterministic fails here. Needs no server.
const FIXTURES = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', '..', 'test', 'fixtures', 'histories');

describe('workflow replay of recorded histories', () => {
  const files = fs.readdirSync(FIXTURES).filter((file) => file.endsWith('.json')).sort();

  it('has a recorded history of every workflow type', () => {
    const types = files.map((file) => JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8')) as { events: Array<{ workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string } } }> })
      .map((history) => history.events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name);
    expect(types.sort()).toEqual(['postgresReplicasWorkflow', 'readOnlyPoolWorkflow', 'tenantWorkflow', 'validatorSetWorkflow']);
  });

  it('replays every recorded history without a nondeterminism error', async () => {
    const histories = files.map((file) => ({ workflowId: file.replace(/\.json$/, ''), history: JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8')) as unknown }));
    const failures: string[] = [];
    let replayed = 0;
    for await (const result of Worker.runReplayHistories({ workflowsPath: WORKFLOWS_PATH, replayName: 'steward-replay' }, histories)) {
      replayed += 1;
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(files.length);
  });
});
