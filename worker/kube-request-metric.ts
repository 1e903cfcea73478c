import { Runtime } from '@temporalio/worker';
import { requestKind } from '../kube/request-kind.js';
import { observeKubeRequests } from '../kube/rest.js';

/**
 * Counts every Kubernetes API request of this worker process in `steward_kube_requests` (labels `verb`, as
 * kube-apiserver names it, and `resource`), served on the worker's `/metrics`: what Steward itself asks of
 * the API server, apart from the cluster's other clients. Returns the unsubscribe.
 */
export function countKubeRequests(): () => void {
  const counter = Runtime.instance().metricMeter.createCounter('steward_kube_requests', 'requests', 'Kubernetes API requests this worker sent (watches counted when started), by verb and resource');
  return observeKubeRequests((method, path, contentType) => {
    const { verb, resource } = requestKind(method, path, contentType);
    counter.add(1, { verb, resource });
  });
}
