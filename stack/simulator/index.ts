// The stellar-core simulator: the project's one test double. It serves stellar-core's admin HTTP API on the
// loopback IP of every Running stellar-core pod, plus history archive and Horizon roots, driven by pod annotations.
export { startSimulator, startSimulatorWith, CORE_HTTP_PORT, type SimulatorHandle, type SimulatorOptions, type SimulatorSourceOptions, type SimulatorBaseOptions } from './server.js';
export { staticPodSource, type PodSource, type StaticPodSource, type PodListener } from './pod-source.js';
export { kubePodSource, type KubePodSourceOptions } from './kube-pod-source.js';
export { podRecordOf, isLoopbackIPv4, STELLAR_CORE_SELECTOR, NETWORK_ANNOTATION, NETWORK_ENV, type PodRecord } from './pod-record.js';
export { parseScenario, formatScenario, SCENARIO_ANNOTATION, type Scenario } from './scenario.js';
export { SIM_NETWORKS, passphraseOf, networkSlug } from './network.js';
export { tipLedger, checkpointContaining, latestCompleteCheckpoint, type TipClock } from './tip.js';
export type { ConnectRecord } from './control.js';
export type { SimPod } from './node-state.js';
