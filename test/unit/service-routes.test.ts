import { describe, expect, it } from '@jest/globals';
import { isLoopbackIPv4, serviceRoutes, type PodSnapshot, type ServiceSnapshot } from '../../stack/service-proxy/routes.js';

function service(name: string, clusterIP: string | undefined, selector: Record<string, string> | undefined, ports: NonNullable<ServiceSnapshot['spec']>['ports'] = [{ port: 80, targetPort: 8080 }], namespace = 'ns'): ServiceSnapshot {
  return { metadata: { namespace, name }, spec: { clusterIP, selector, ports } };
}

function pod(name: string, labels: Record<string, string>, extra: { ip?: string; ready?: boolean; phase?: string; deleting?: boolean; namespace?: string; ports?: { name?: string; containerPort: number }[] } = {}): PodSnapshot {
  return {
    metadata: { namespace: extra.namespace ?? 'ns', name, labels, ...(extra.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    spec: { containers: [{ ports: extra.ports ?? [] }] },
    status: { phase: extra.phase ?? 'Running', podIP: extra.ip ?? '127.9.0.2', conditions: [{ type: 'Ready', status: extra.ready === false ? 'False' : 'True' }] },
  };
}

const app = { app: 'core' };

describe('serviceRoutes (what the service proxy forwards)', () => {
  it.each([
    ['a Ready pod behind a loopback ClusterIP', [service('s', '127.9.250.5', app)], [pod('p', app)], [{ service: 'ns/s:80', ip: '127.9.250.5', port: 80, targets: [{ pod: 'p', ip: '127.9.0.2', port: 8080 }] }]],
    ['a ClusterIP outside loopback is never served', [service('s', '10.0.0.5', app)], [pod('p', app)], []],
    ['a headless Service has no ClusterIP to serve', [service('s', 'None', app)], [pod('p', app)], []],
    ['a Service without a selector is left alone', [service('s', '127.9.250.5', undefined)], [pod('p', app)], []],
    ['a pod that is not Ready gets nothing', [service('s', '127.9.250.5', app)], [pod('p', app, { ready: false })], [{ service: 'ns/s:80', ip: '127.9.250.5', port: 80, targets: [] }]],
    ['a terminating pod gets nothing', [service('s', '127.9.250.5', app)], [pod('p', app, { deleting: true })], [{ service: 'ns/s:80', ip: '127.9.250.5', port: 80, targets: [] }]],
    ['a pending pod gets nothing', [service('s', '127.9.250.5', app)], [pod('p', app, { phase: 'Pending' })], [{ service: 'ns/s:80', ip: '127.9.250.5', port: 80, targets: [] }]],
    ['a pod IP outside loopback is never dialled', [service('s', '127.9.250.5', app)], [pod('p', app, { ip: '10.1.0.4' })], [{ service: 'ns/s:80', ip: '127.9.250.5', port: 80, targets: [] }]],
    ['a pod of another namespace is not selected', [service('s', '127.9.250.5', app)], [pod('p', app, { namespace: 'other' })], [{ service: 'ns/s:80', ip: '127.9.250.5', port: 80, targets: [] }]],
    ['a pod missing one selector label is not selected', [service('s', '127.9.250.5', { ...app, tier: 'read' })], [pod('p', app)], [{ service: 'ns/s:80', ip: '127.9.250.5', port: 80, targets: [] }]],
    ['no targetPort means the Service port', [service('s', '127.9.250.5', app, [{ port: 11626 }])], [pod('p', app)], [{ service: 'ns/s:11626', ip: '127.9.250.5', port: 11626, targets: [{ pod: 'p', ip: '127.9.0.2', port: 11626 }] }]],
    ['a named targetPort is the container port of that name', [service('s', '127.9.250.5', app, [{ port: 80, targetPort: 'query' }])], [pod('p', app, { ports: [{ name: 'query', containerPort: 11726 }] })], [{ service: 'ns/s:80', ip: '127.9.250.5', port: 80, targets: [{ pod: 'p', ip: '127.9.0.2', port: 11726 }] }]],
    ['a pod without the named port is left out', [service('s', '127.9.250.5', app, [{ port: 80, targetPort: 'query' }])], [pod('p', app)], [{ service: 'ns/s:80', ip: '127.9.250.5', port: 80, targets: [] }]],
    ['UDP ports are not forwarded', [service('s', '127.9.250.5', app, [{ port: 53, protocol: 'UDP' }])], [pod('p', app)], []],
  ])('%s', (_, services, pods, expected) => {
    expect(serviceRoutes(services, pods)).toEqual(expected);
  });

  it('lists every port of every Service, ordered by ClusterIP and port, targets by pod name', () => {
    const routes = serviceRoutes(
      [service('b', '127.9.250.7', app, [{ port: 2 }, { port: 1 }]), service('a', '127.9.250.3', app, [{ port: 9 }])],
      [pod('p-1', app, { ip: '127.9.0.3' }), pod('p-0', app, { ip: '127.9.0.2' })],
    );
    expect(routes.map((r) => [r.service, r.targets.map((t) => t.pod).join()])).toEqual([['ns/a:9', 'p-0,p-1'], ['ns/b:1', 'p-0,p-1'], ['ns/b:2', 'p-0,p-1']]);
  });

  it.each([['127.0.0.1', true], ['127.200.250.1', true], ['10.0.0.1', false], ['127.1', false], ['127.0.0.256', false], [undefined, false], ['None', false]])('isLoopbackIPv4(%s) is %s', (ip, expected) => {
    expect(isLoopbackIPv4(ip)).toBe(expected);
  });
});
