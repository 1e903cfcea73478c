// Chaos on the local stack: a ReadOnlyPool, a validator set, a Tenant and a PostgresReplicaSet managed by
// the real worker process, through N worker SIGKILLs in the middle of spec changes, a Temporal dev-server
// restart (SQLite kept) and a kube-apiserver outage. Prints per fault: lost reconciles, duplicate owned
// objects, failed workflows and convergence p50/p95/max. Exits 1 when anything was lost, duplicated or failed.
// Run: npm run build && node dist/bench/chaos.js [--kills 20] [--outage-seconds 30] [--seed N] [--stack chaos]
// (starts the named stack with persistent Temporal history if needed)
import path from 'node:path';
import { parseArgs } from 'node:util';
import { installCrds } from '../kube/crds.js';
import { KubeRest } from '../kube/rest.js';
import { applyAll, deployDir, loadKustomization, writeServiceAccountKubeconfig } from '../stack/deploy.js';
import { gatewayApiCrds, startStack } from '../stack/index.js';
import { resultTable } from './chaos-faults.js';
import { chaosPassed, runChaos } from './chaos-run.js';

const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '20' },
    'outage-seconds': { type: 'string', default: '30' },
    'no-temporal-restart': { type: 'boolean', default: false },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    stack: { type: 'string', default: 'chaos' },
  },
});
const number = (name: string, text: string): number => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} ${text} is not a whole number >= 0`);
  return value;
};
const kills = number('kills', values.kills);
const outageSeconds = number('outage-seconds', values['outage-seconds']);
const seed = number('seed', values.seed);

const info = await startStack({ name: values.stack, persistent: true, ledgerIntervalMs: 1000 });
if (!info.kube || !info.simulator || !info.postgres || info.postgres.external) throw new Error('the chaos benchmark needs the whole local stack: Kubernetes, the simulator and PostgreSQL');
const kube = KubeRest.fromFile(info.kube.kubeconfigPath);
await installCrds(kube, 30_000, gatewayApiCrds());
// The worker runs as the shipped ServiceAccount, bound only to the shipped ClusterRole.
await applyAll(kube, loadKustomization(deployDir()));
const workerKubeconfig = path.join(info.stateDir, 'worker-kubeconfig.yaml');
await writeServiceAccountKubeconfig(kube, { namespace: 'stellar-system', name: 'stellar-steward' }, workerKubeconfig);

// The worker processes inherit these: loopback only, and the stack's CA for the simulator's https archive.
process.env.STEWARD_EGRESS = 'loopback';
process.env.STEWARD_CA_BUNDLE = info.simulator.caBundle;

console.log(`chaos: ${kills} worker SIGKILLs, ${values['no-temporal-restart'] ? 'no' : 'a'} Temporal restart, a ${outageSeconds} s kube-apiserver outage (seed ${seed})`);
const report = await runChaos({
  stateDir: info.stateDir, temporal: info.temporal, kube, workerKubeconfig, archiveUrl: `${info.simulator.httpsUrl}/archive/testnet`,
  postgres: info.postgres, kills, temporalRestart: !values['no-temporal-restart'], outageSeconds, seed,
  log: (line) => console.log(`  ${line}`),
});
console.log(`\n${resultTable(report.results, report.failedWorkflows.length)}\n`);
for (const line of [...report.results.flatMap((r) => [...r.lost, ...r.duplicates]), ...report.finalDuplicates, ...report.failedWorkflows]) console.log(`! ${line}`);
if (!report.finalSettled) console.log(`! the resources did not settle on their last spec within 120 s after the last fault: ${report.unsettled}`);
console.log(`worker log: ${report.workerLog}`);
console.log(`the ${values.stack} stack keeps running: node bin/steward.js stack down --name ${values.stack}`);
process.exitCode = chaosPassed(report) ? 0 : 1;
