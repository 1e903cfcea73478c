import type { KubeObject } from './pool-objects.js';
import { HTTP_PORT } from './stellar-core-config.js';

/** The namespace the worker runs in (deploy/namespace.yaml). */
export const WORKER_NAMESPACE = 'stellar-system';

/** The labels of the worker's pods (deploy/deployment.yaml). */
export const WORKER_POD_LABELS: Readonly<Record<string, string>> = { 'app.kubernetes.io/name': 'stellar-steward' };

/** The label Kubernetes puts on every namespace with its own name (immutable, since 1.21). */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/**
 * A NetworkPolicy for stellar-core pods: the admin port (HTTP_PORT, which serves `manualclose`,
 * `droppeer`, `ll`, `upgrades`...) admits only the worker's pods in the worker's namespace; the `open`
 * ports (peer, query) admit everyone. Any other ingress to the selected pods is refused, as with every
 * policy that lists Ingress. Egress is not restricted. Both peers sit in one `from` entry, so a pod must
 * match the namespace AND the labels.
 */
export function adminPortPolicy(metadata: KubeObject['metadata'], podSelector: Record<string, string>, open: readonly { port: number }[]): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata,
    spec: {
      podSelector: { matchLabels: podSelector },
      policyTypes: ['Ingress'],
      ingress: [
        { ports: open.map(({ port }) => ({ protocol: 'TCP', port })) },
        {
          from: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: WORKER_NAMESPACE } }, podSelector: { matchLabels: { ...WORKER_POD_LABELS } } }],
          ports: [{ protocol: 'TCP', port: HTTP_PORT }],
        },
      ],
    },
  };
}
