import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { chaosPassed, runChaos } from '../../bench/chaos-run.js';
import { archiveUrl, kube, stack } from './support.js';

// The chaos benchmark's core, short: 3 SIGKILLs of the real worker process in the middle of spec changes
// on a pool, a validator set, a tenant and a replica set. No timing is asserted here (bench/chaos.ts
// measures it). The suite's Temporal keeps history in memory, so no Temporal restart; and no API server
// outage, which would fail the other test files that share this stack.
describe('chaos: the real worker process SIGKILLed during spec changes', () => {
  it('loses no reconcile, duplicates no owned object and fails no workflow', async () => {
    const info = stack();
    if (!info.postgres || info.postgres.external) throw new Error('needs the local PostgreSQL cluster');
    const lines: string[] = [];
    const report = await runChaos({
      stateDir: info.stateDir, temporal: info.temporal, kube: kube(), workerKubeconfig: path.join(info.stateDir, 'worker-kubeconfig.yaml'),
      archiveUrl: archiveUrl('testnet'), postgres: info.postgres, kills: 3, temporalRestart: false, outageSeconds: 0, seed: 12,
      log: (line) => lines.push(line),
    });
    const [kills] = report.results;
    expect({ lost: kills?.lost, duplicates: [...(kills?.duplicates ?? []), ...report.finalDuplicates], failed: report.failedWorkflows, unsettled: report.unsettled })
      .toEqual({ lost: [], duplicates: [], failed: [], unsettled: undefined });
    // Every kill was a round: a change made, the worker killed, the change seen (before or after the kill).
    expect(lines.filter((line) => /^kill \d\/3: .* shown (before the kill|\d+ ms after the kill)$/.test(line))).toHaveLength(3);
    expect(chaosPassed(report)).toBe(true);
    // A worker start-up takes 5 s on an idle machine and 40 s on a loaded one: this bounds only a hang.
  }, 600_000);
});
