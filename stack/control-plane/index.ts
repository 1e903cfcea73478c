// The local Kubernetes control plane: etcd, kube-apiserver, kube-controller-manager, kube-scheduler,
// KWOK fake nodes with loopback pod CIDRs, and a local volume provisioner.
export { etcdMemoryDir, startKube, stopKube, type KubeOptions, type KubeStack } from './control-plane.js';
