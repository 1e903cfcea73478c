import { KubeRest } from '../activities/kube/rest.js';
import { startWorkerService } from './service.js';
import { temporalSettings } from './temporal-settings.js';

/**
 * Runs the worker until SIGINT/SIGTERM: Temporal from TEMPORAL_* variables, Kubernetes from KUBECONFIG.
 * It also watches the custom resources and starts or wakes their workflows (STEWARD_WATCH=false: off).
 */
async function main(): Promise<void> {
  const settings = temporalSettings();
  const kube = KubeRest.fromFile(process.env.KUBECONFIG);
  const service = await startWorkerService({ settings, kube, watch: process.env.STEWARD_WATCH !== 'false' });
  console.error(`[worker] polling task queue on ${settings.address} (namespace ${settings.namespace}), watching ${kube.server}`);
  await service.done;
}

main().catch((error: unknown) => {
  console.error(`[worker] ${(error as Error).message}`);
  process.exit(1);
});
