// The local volume provisioner as its own process: `node provisioner-main.js --kubeconfig F --volume-root D`.
import { parseArgs } from 'node:util';
import { KubeRest } from '../../kube/rest.js';
import { provisionOnce } from './provisioner.js';

const { values } = parseArgs({ options: { kubeconfig: { type: 'string' }, 'volume-root': { type: 'string' } } });
if (!values.kubeconfig || !values['volume-root']) {
  console.error('usage: provisioner-main --kubeconfig FILE --volume-root DIR');
  process.exit(2);
}
const kube = KubeRest.fromFile(values.kubeconfig);
const volumeRoot = values['volume-root'];
console.error('local provisioner running');
for (;;) {
  try {
    await provisionOnce(kube, volumeRoot);
  } catch (error) {
    console.error(`provisioner pass failed: ${(error as Error).message}`);
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
}
