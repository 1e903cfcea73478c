import { KubeRest } from '../activities/kube/rest.js';
import { createWorker } from './worker.js';
import { temporalSettings } from './temporal-settings.js';

/** Runs the worker until SIGINT/SIGTERM: Temporal from TEMPORAL_* variables, Kubernetes from KUBECONFIG. */
async function main(): Promise<void> {
  const settings = temporalSettings();
  const kube = KubeRest.fromFile(process.env.KUBECONFIG);
  const worker = await createWorker(settings, { kube });
  console.error(`[worker] polling task queue on ${settings.address} (namespace ${settings.namespace})`);
  await worker.run();
}

main().catch((error: unknown) => {
  console.error(`[worker] ${(error as Error).message}`);
  process.exit(1);
});
