// The local stack: real Temporal, Kubernetes and PostgreSQL servers (plus the stellar-core simulator),
// installed from package registries, cached outside the repository and started by the project itself.
export { DEFAULT_PARTS, startStack, stopStack, readStack, stackDir, type StackInfo, type StackOptions, type StackPart } from './local-stack.js';
export { TRAEFIK_CONTROLLER_NAME, type GatewayEndpoint } from './gateway.js';
export { connectionString, type PostgresCluster, type PostgresServer } from './postgres.js';
export { gatewayApiCrds } from './paths.js';
