import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { Client, Connection } from '@temporalio/client';
import { binDir } from '../../stack/paths.js';
import { bringBack, takeDown } from '../../stack/outage.js';
import { runningPid } from '../../stack/process.js';
import { startTemporal, stopTemporal } from '../../stack/temporal.js';
import { stack, temporalClient } from './support.js';

// The stack's outage controls on Temporal (the kube-apiserver's are exercised by bench/chaos.ts: taking
// down the suite's shared API server would fail the other test files).
describe('stack outage controls: Temporal dev server', () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-outage-'));
  afterAll(async () => {
    await stopTemporal(stateDir);
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('refuses to take down a dev server whose history is in memory (the suite\'s), and leaves it running', async () => {
    const suiteDir = stack().stateDir;
    const pid = runningPid(suiteDir, 'temporal');
    await expect(takeDown(suiteDir, 'temporal')).rejects.toThrow(/keeps history in memory/);
    expect(runningPid(suiteDir, 'temporal')).toBe(pid);
    const client = await temporalClient();
    await expect(client.workflowService.getSystemInfo({})).resolves.toBeDefined();
    await client.connection.close();
  });

  it('brings a persistent dev server back on the same address with its workflows', async () => {
    const endpoint = await startTemporal({ stateDir, executable: path.join(binDir(), 'temporal'), persistent: true });
    const before = runningPid(stateDir, 'temporal');
    let connection = await Connection.connect({ address: endpoint.address });
    const started = await new Client({ connection }).workflow.start('nobody-runs-this', { taskQueue: 'outage-test', workflowId: 'outage-probe' });
    await connection.close();

    await takeDown(stateDir, 'temporal');
    expect(runningPid(stateDir, 'temporal')).toBeUndefined();
    await bringBack(stateDir, 'temporal');

    expect(runningPid(stateDir, 'temporal')).not.toBe(before);
    connection = await Connection.connect({ address: endpoint.address });
    const described = await new Client({ connection }).workflow.getHandle('outage-probe').describe();
    expect({ runId: described.runId, status: described.status.name }).toEqual({ runId: started.firstExecutionRunId, status: 'RUNNING' });
    await connection.close();
    await expect(bringBack(stateDir, 'temporal')).rejects.toThrow(/not taken down/);
  });
});
