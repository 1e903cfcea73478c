import fs from 'node:fs';
import { installCrds } from '../../activities/kube/crds.js';
import { KubeRest } from '../../activities/kube/rest.js';
import { gatewayApiCrd, startStack, stackDir, stopStack, type StackPart } from '../../stack/index.js';

/** Name of the integration suite's stack; fresh state on every run (binaries stay cached). */
export const TEST_STACK = process.env.STEWARD_TEST_STACK ?? 'test';

/** Starts one local stack for the whole integration suite and installs the CRDs. */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  await stopStack(TEST_STACK);
  fs.rmSync(stackDir(TEST_STACK), { recursive: true, force: true });
  // STEWARD_TEST_PARTS=postgres,temporal starts only those parts (handy while working on one area).
  const parts = process.env.STEWARD_TEST_PARTS?.split(',').filter(Boolean) as StackPart[] | undefined;
  const info = await startStack({ name: TEST_STACK, ledgerIntervalMs: 500, parts });
  if (info.kube) await installCrds(KubeRest.fromFile(info.kube.kubeconfigPath), 30_000, fs.existsSync(gatewayApiCrd()) ? [gatewayApiCrd()] : []);
  process.env.STEWARD_STACK_DIR = info.stateDir;
  console.error(`[test] local stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
