import type { KubeRest } from '../../kube/rest.js';

/** The default StorageClass of the local stack, served by its provisioner. */
export const STORAGE_CLASS = 'steward-local';
/** The provisioner name the local provisioner serves. */
export const PROVISIONER = 'steward.local/fake';

/** Creates the default StorageClass (Immediate binding) served by the local provisioner. */
export async function ensureStorageClass(kube: KubeRest): Promise<void> {
  await kube.apply(`/apis/storage.k8s.io/v1/storageclasses/${STORAGE_CLASS}`, {
    apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass',
    metadata: { name: STORAGE_CLASS, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: PROVISIONER, volumeBindingMode: 'Immediate', reclaimPolicy: 'Delete',
  });
}

/**
 * The second octet of a stack's pod IPs (127.X.N.0/24), derived from its state directory, so that two
 * local stacks running at once (tests and the demo, say) never hand out the same pod IP.
 */
export function podNetworkOctet(stateDir: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < stateDir.length; i += 1) hash = Math.imul(hash ^ stateDir.charCodeAt(i), 0x01000193) >>> 0;
  return 10 + (hash % 240);
}

/**
 * Creates `count` fake Nodes managed by KWOK (annotation `kwok.x-k8s.io/node=fake`), labelled
 * `type=kwok`, each with a pod CIDR `127.<octet>.N.0/24` inside loopback, so every pod IP is a loopback address.
 */
export async function ensureFakeNodes(kube: KubeRest, count: number, octet: number): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    const name = `steward-node-${i}`;
    const capacity = { cpu: '64', memory: '256Gi', pods: '250', 'ephemeral-storage': '1Ti' };
    // A node's pod CIDR cannot change once set: a node kept from an earlier run keeps its own.
    const existing = await kube.getOptional(`/api/v1/nodes/${name}`);
    if (!existing) await kube.apply(`/api/v1/nodes/${name}`, {
      apiVersion: 'v1', kind: 'Node',
      metadata: { name, annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' }, labels: { type: 'kwok', 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' } },
      spec: { podCIDR: `127.${octet}.${i}.0/24`, podCIDRs: [`127.${octet}.${i}.0/24`] },
    });
    await kube.apply(`/api/v1/nodes/${name}/status`, {
      apiVersion: 'v1', kind: 'Node', metadata: { name },
      status: { capacity, allocatable: capacity },
    });
  }
}
