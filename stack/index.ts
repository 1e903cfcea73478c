// The local stack: real Temporal, Kubernetes and PostgreSQL servers (plus the stellar-core simulator),
// installed from package registries, cached outside the repository and started by the project itself.
export { startStack, stopStack, readStack, stackDir, type StackInfo, type StackOptions, type StackPart } from './local-stack.js';
export { connectionString, type PostgresCluster, type PostgresServer } from './postgres.js';
export { gatewayApiCrd } from './paths.js';
