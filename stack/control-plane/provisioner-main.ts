// The local volume provisioner as its own process: `node provisioner-main.js --kubeconfig F --volume-root D`.
import { parseArgs } from 'node:util';
import { KubeRest } from '../../kube/rest.js';
import { watchCollection } from '../../kube/resource-watcher.js';
import { PROVISIONER_LABEL, provisionOnce } from './provisioner.js';

const { values } = parseArgs({ options: { kubeconfig: { type: 'string' }, 'volume-root': { type: 'string' } } });
if (!values.kubeconfig || !values['volume-root']) {
  console.error('usage: provisioner-main --kubeconfig FILE --volume-root DIR');
  process.exit(2);
}
const kube = KubeRest.fromFile(values.kubeconfig);
const volumeRoot = values['volume-root'];
/** Least time between two passes. */
const SPACING_MS = 300;
/** A pass at least this often, whatever the watches saw (a missed event costs at most this). */
const RESYNC_MS = 10_000;

// A pass runs when a claim or one of its volumes changed, as an external provisioner reacts to its
// informers' events, and every RESYNC_MS: no longer a list of every claim and volume each 300 ms, which at
// 1,000 pods cost the API server more CPU than anything Steward does.
let due = true;
const log = (message: string): void => console.error(message);
watchCollection(kube, { path: '/api/v1/persistentvolumeclaims' }, () => { due = true; }, log);
watchCollection(kube, { path: '/api/v1/persistentvolumes', labelSelector: PROVISIONER_LABEL }, () => { due = true; }, log);
console.error('local provisioner running');
let lastPass = 0;
for (;;) {
  if (due || Date.now() - lastPass >= RESYNC_MS) {
    due = false;
    lastPass = Date.now();
    try {
      await provisionOnce(kube, volumeRoot);
    } catch (error) {
      due = true;
      console.error(`provisioner pass failed: ${(error as Error).message}`);
    }
  }
  await new Promise((resolve) => setTimeout(resolve, SPACING_MS));
}
