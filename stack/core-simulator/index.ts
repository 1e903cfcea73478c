// The stellar-core simulator, the local stack's one test double: stellar-core's admin HTTP API on each
// simulated pod's loopback IP, history archive and Horizon roots, and a record of /connect calls.
export { startSimulator, type SimulatorOptions, type ConnectRecord } from './server.js';
export { parseScenario, tipLedger, archiveLedger, PASSPHRASES, SCENARIO_ANNOTATION, type Scenario } from './model.js';
export { adminAnswer, infoAnswer, type NodeMoment } from './responses.js';
