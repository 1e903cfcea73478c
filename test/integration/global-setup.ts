import fs from 'node:fs';
import { installCrds } from '../../kube/crds.js';
import { KubeRest } from '../../kube/rest.js';
import path from 'node:path';
import { applyAll, deployDir, loadKustomization, writeServiceAccountKubeconfig } from '../../stack/deploy.js';
import { DEFAULT_PARTS, gatewayApiCrds, startStack, stackDir, stopStack, type StackPart } from '../../stack/index.js';

/** Name of the integration suite's stack; fresh state on every run (binaries stay cached). */
export const TEST_STACK = process.env.STEWARD_TEST_STACK ?? 'test';

/** The kubeconfig of the worker's ServiceAccount, in the stack's state dir. */
export const WORKER_KUBECONFIG = 'worker-kubeconfig.yaml';

/** Starts one local stack for the whole integration suite and installs the CRDs. */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  await stopStack(TEST_STACK);
  fs.rmSync(stackDir(TEST_STACK), { recursive: true, force: true });
  // STEWARD_TEST_PARTS=postgres,temporal starts only those parts (handy while working on one area); the
  // suite's default adds the optional gateway part (Traefik), which the Gateway API tests send traffic through.
  const parts = (process.env.STEWARD_TEST_PARTS?.split(',').filter(Boolean) as StackPart[] | undefined) ?? [...DEFAULT_PARTS, 'gateway'];
  const info = await startStack({ name: TEST_STACK, ledgerIntervalMs: 500, parts });
  if (info.kube) {
    const admin = KubeRest.fromFile(info.kube.kubeconfigPath);
    await installCrds(admin, 30_000, gatewayApiCrds());
    // The shipped manifests (deploy/): every worker in the suite runs as their ServiceAccount, bound
    // only to the shipped ClusterRole.
    await applyAll(admin, loadKustomization(deployDir()));
    await writeServiceAccountKubeconfig(admin, { namespace: 'stellar-system', name: 'stellar-steward' }, path.join(info.stateDir, WORKER_KUBECONFIG));
  }
  process.env.STEWARD_STACK_DIR = info.stateDir;
  // Every worker of the suite (in the test processes and the ones they spawn) reaches only loopback
  // addresses, and trusts the stack's sources CA for the simulator's https archive and Horizon roots.
  process.env.STEWARD_EGRESS = 'loopback';
  if (info.simulator) process.env.STEWARD_CA_BUNDLE = info.simulator.caBundle;
  console.error(`[test] local stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
