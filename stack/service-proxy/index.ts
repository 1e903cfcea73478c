// The local stack's stand-in for kube-proxy: forwards each Service's loopback ClusterIP:port to a Ready
// pod it selects, so that a Gateway using Service ClusterIPs reaches the simulated pods.
export { serviceRoutes, type ServiceRoute, type ServiceSnapshot, type PodSnapshot } from './routes.js';
export { startServiceProxy, type ServiceProxyHandle, type ServiceProxyOptions } from './proxy.js';
