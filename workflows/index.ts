// Workflow code: deterministic reconcile loops, one per managed resource. Imports only
// @temporalio/workflow, the pure domain code and activity types.
export { readOnlyPoolWorkflow } from './readonlypool.js';
export { validatorSetWorkflow } from './validator-set.js';
export { postgresReplicasWorkflow } from './postgres-replicas.js';
export { tenantWorkflow } from './tenant.js';
