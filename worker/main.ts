import { Client, Connection } from '@temporalio/client';
import { KubeRest } from '../activities/kube/rest.js';
import { startPoolTrigger, startReplicaSetTrigger, startTenantTrigger, startValidatorTrigger } from './resource-triggers.js';
import { createWorker } from './worker.js';
import { temporalSettings } from './temporal-settings.js';

/**
 * Runs the worker until SIGINT/SIGTERM: Temporal from TEMPORAL_* variables, Kubernetes from KUBECONFIG.
 * It also watches the custom resources and starts or wakes their workflows (STEWARD_WATCH=false: off).
 */
async function main(): Promise<void> {
  const settings = temporalSettings();
  const kube = KubeRest.fromFile(process.env.KUBECONFIG);
  const worker = await createWorker(settings, { kube });
  const connection = await Connection.connect(settings.connection);
  const client = new Client({ connection, namespace: settings.namespace });
  const watching = process.env.STEWARD_WATCH !== 'false';
  const stopPools = watching ? startPoolTrigger(kube, client) : (): void => undefined;
  const stopValidators = watching ? startValidatorTrigger(kube, client) : (): void => undefined;
  const stopReplicaSets = watching ? startReplicaSetTrigger(kube, client) : (): void => undefined;
  const stopTenants = watching ? startTenantTrigger(kube, client) : (): void => undefined;
  console.error(`[worker] polling task queue on ${settings.address} (namespace ${settings.namespace}), watching ${kube.server}`);
  await worker.run();
  stopPools();
  stopValidators();
  stopReplicaSets();
  stopTenants();
  await connection.close();
}

main().catch((error: unknown) => {
  console.error(`[worker] ${(error as Error).message}`);
  process.exit(1);
});
