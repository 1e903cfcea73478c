import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './ports.js';

const PG_BIN = process.env.STEWARD_PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** One PostgreSQL server of the local stack. */
export interface PostgresServer {
  /** `primary`, `replica-1`, `replica-2`. */
  name: string;
  host: string;
  port: number;
  dataDir: string;
}

/** The local primary and its streaming replicas, with the superuser's credentials. */
export interface PostgresCluster {
  primary: PostgresServer;
  replicas: PostgresServer[];
  user: string;
  password: string;
  database: string;
}

/** Options for `startPostgres`. */
export interface PostgresOptions {
  stateDir: string;
  replicaCount?: number;
  log?: (message: string) => void;
}

/**
 * Starts a PostgreSQL 15 primary and `replicaCount` (default 2) streaming replicas on free loopback
 * ports, creating their data directories on first use (initdb, pg_basebackup) and reusing them after.
 * As root, the servers run as the `postgres` user, since PostgreSQL refuses to run as root.
 */
export async function startPostgres(options: PostgresOptions): Promise<PostgresCluster> {
  const root = path.join(options.stateDir, 'pg');
  const clusterFile = path.join(root, 'cluster.json');
  const log = options.log ?? ((): void => undefined);
  requireBinaries();
  const cluster = fs.existsSync(clusterFile)
    ? (JSON.parse(fs.readFileSync(clusterFile, 'utf8')) as PostgresCluster)
    : await planCluster(root, options.replicaCount ?? 2);
  makeReachable(root);
  // Asynchronous child processes: the stack's other parts start in this process meanwhile, and their
  // readiness waits keep polling (initdb and pg_basebackup took 30 s on a loaded CI machine).
  if (!fs.existsSync(path.join(cluster.primary.dataDir, 'PG_VERSION'))) await initPrimary(cluster, root);
  await launch(cluster.primary);
  for (const replica of cluster.replicas) {
    if (!fs.existsSync(path.join(replica.dataDir, 'PG_VERSION'))) await cloneReplica(cluster, replica);
    await launch(replica);
  }
  fs.writeFileSync(clusterFile, JSON.stringify(cluster, null, 2));
  log(`postgres primary on ${cluster.primary.port}, replicas on ${cluster.replicas.map((r) => r.port).join(', ')}`);
  return cluster;
}

/** Stops every server of the state dir's PostgreSQL cluster (fast shutdown). */
export function stopPostgres(stateDir: string): void {
  const clusterFile = path.join(stateDir, 'pg', 'cluster.json');
  if (!fs.existsSync(clusterFile)) return;
  const cluster = JSON.parse(fs.readFileSync(clusterFile, 'utf8')) as PostgresCluster;
  for (const server of [...cluster.replicas, cluster.primary]) stopServer(server);
}

/** Stops one server (used by tests that take a replica down). */
export function stopServer(server: PostgresServer): void {
  if (!isRunning(server)) return;
  runAsPostgres('pg_ctl', ['-D', server.dataDir, '-m', 'fast', '-w', 'stop']);
}

/** Starts one server if it is not running and waits until it accepts connections. */
export function startServer(server: PostgresServer): void {
  if (isRunning(server)) return;
  runAsPostgres('pg_ctl', startArgs(server));
}

/** `startServer` without blocking the event loop. */
async function launch(server: PostgresServer): Promise<void> {
  if (isRunning(server)) return;
  await runAsPostgresAsync('pg_ctl', startArgs(server));
}

function startArgs(server: PostgresServer): string[] {
  const logFile = path.join(server.dataDir, '..', `${server.name}.log`);
  return ['-D', server.dataDir, '-l', logFile, '-w', '-t', '180', 'start'];
}

/** True when the server's postmaster is running. */
export function isRunning(server: PostgresServer): boolean {
  if (!fs.existsSync(path.join(server.dataDir, 'postmaster.pid'))) return false;
  try {
    runAsPostgres('pg_ctl', ['-D', server.dataDir, 'status']);
    return true;
  } catch {
    return false;
  }
}

/** A `postgres://` URL for a server of the cluster. */
export function connectionString(cluster: PostgresCluster, server: PostgresServer): string {
  const password = encodeURIComponent(cluster.password);
  return `postgres://${cluster.user}:${password}@${server.host}:${server.port}/${cluster.database}`;
}

async function planCluster(root: string, replicaCount: number): Promise<PostgresCluster> {
  const server = async (name: string): Promise<PostgresServer> => ({
    name,
    host: '127.0.0.1',
    port: await freePort(),
    dataDir: path.join(root, name),
  });
  const replicas: PostgresServer[] = [];
  for (let i = 1; i <= replicaCount; i += 1) replicas.push(await server(`replica-${i}`));
  const password = crypto.randomBytes(12).toString('hex');
  return { primary: await server('primary'), replicas, user: 'postgres', password, database: 'postgres' };
}

async function initPrimary(cluster: PostgresCluster, root: string): Promise<void> {
  const pwfile = path.join(root, 'pwfile');
  fs.writeFileSync(pwfile, cluster.password);
  chownToPostgres(pwfile);
  await runAsPostgresAsync('initdb', ['-D', cluster.primary.dataDir, '-U', cluster.user, '--pwfile', pwfile,
    '--auth-local=trust', '--auth-host=scram-sha-256', '--no-sync']);
  fs.rmSync(pwfile);
  writeServerSettings(cluster.primary);
}

async function cloneReplica(cluster: PostgresCluster, replica: PostgresServer): Promise<void> {
  await runAsPostgresAsync('pg_basebackup', ['-h', cluster.primary.host, '-p', String(cluster.primary.port), '-U', cluster.user,
    '-D', replica.dataDir, '-R', '-X', 'stream', '-c', 'fast'], { PGPASSWORD: cluster.password });
  writeServerSettings(replica);
  const conninfo = `host=${cluster.primary.host} port=${cluster.primary.port} user=${cluster.user} ` +
    `password=${cluster.password} application_name=${replica.name}`;
  fs.appendFileSync(path.join(replica.dataDir, 'postgresql.auto.conf'), `primary_conninfo = '${conninfo}'\n`);
}

function writeServerSettings(server: PostgresServer): void {
  const settings = [
    `port = ${server.port}`,
    `listen_addresses = '${server.host}'`,
    `unix_socket_directories = '${server.dataDir}'`,
    'fsync = off',
    'synchronous_commit = off',
    'full_page_writes = off',
    'shared_buffers = 32MB',
  ];
  fs.appendFileSync(path.join(server.dataDir, 'postgresql.auto.conf'), `${settings.join('\n')}\n`);
}

function requireBinaries(): void {
  if (!fs.existsSync(path.join(PG_BIN, 'postgres'))) {
    throw new Error(`PostgreSQL 15 server binaries not found in ${PG_BIN}: run 'apt-get install postgresql-15' ` +
      `(or bash stack/install/install-binaries.sh), or set STEWARD_PG_BIN`);
  }
}

function postgresIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

function chownToPostgres(file: string): void {
  const ids = postgresIds();
  if (ids) fs.chownSync(file, ids.uid, ids.gid);
}

/** Creates the cluster root owned by the server's user, and lets that user traverse its parents. */
function makeReachable(root: string): void {
  fs.mkdirSync(root, { recursive: true });
  chownToPostgres(root);
  for (let dir = path.dirname(root); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const mode = fs.statSync(dir).mode;
    if ((mode & 0o001) === 0) fs.chmodSync(dir, mode | 0o001);
  }
}

function runAsPostgres(binary: string, args: string[], env: NodeJS.ProcessEnv = {}): void {
  execFileSync(path.join(PG_BIN, binary), args, { ...asPostgres(env), stdio: ['ignore', 'pipe', 'pipe'] });
}

async function runAsPostgresAsync(binary: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<void> {
  await promisify(execFile)(path.join(PG_BIN, binary), args, asPostgres(env));
}

function asPostgres(env: NodeJS.ProcessEnv): { uid?: number; gid?: number; cwd: string; env: NodeJS.ProcessEnv } {
  const ids = postgresIds();
  return { uid: ids?.uid, gid: ids?.gid, cwd: '/', env: { ...process.env, ...env } };
}

/** Runs one statement over a connection of its own (setup and checks outside the code under test); returns its rows. */
export async function queryUrl<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}
