import { networkPassphrase } from './network.js';
import { queryServerSettings } from './query-server.js';
import { tomlLines, tomlString } from './toml.js';

/** A validator of the quorum set, as stellar-core's `[[VALIDATORS]]` table. */
export interface QuorumValidator {
  name: string;
  homeDomain: string;
  publicKey: string;
  address?: string;
  history?: string;
}

/** Settings of a generated stellar-core configuration. */
export interface CoreConfigInput {
  network: string;
  /** History archives to read from: each becomes a `[HISTORY.<name>]` table with a curl `get`. */
  historyArchiveUrls: string[];
  /** `host[:port]` peers, written as the TOML array KNOWN_PEERS. */
  knownPeers?: string[];
  preferredPeers?: string[];
  /** Quorum set validators; stellar-core needs them to follow a real network. */
  validators?: QuorumValidator[];
  homeDomains?: { homeDomain: string; quality: 'HIGH' | 'MEDIUM' | 'LOW' | 'CRITICAL' }[];
  /** A validator config: `NODE_IS_VALIDATOR=true` and the seed read from the environment at start. */
  validator?: boolean;
  /** Serve reads on the query server (HTTP_QUERY_PORT, see query-server.ts); never with `validator`. */
  queryServer?: boolean;
}

/**
 * The admin HTTP port; `PUBLIC_HTTP_PORT=true` makes it reachable on the pod IP, where only the worker may
 * reach it (see network-policy.ts). It is never a Service target: it serves commands such as `manualclose`.
 */
export const HTTP_PORT = 11626;
/** The peer port. */
export const PEER_PORT = 11625;

/**
 * Renders a stellar-core configuration (TOML). Peers are arrays of strings, history archives are
 * `[HISTORY.name]` tables with `get="curl -sf URL/{0} -o {1}"`; no secret is ever written here (a
 * validator's NODE_SEED comes from the environment). Throws when a validator asks for the query server,
 * a config stellar-core refuses to run (src/main/ApplicationImpl.cpp).
 */
export function renderCoreConfig(input: CoreConfigInput): string {
  if (input.validator && input.queryServer) throw new Error('stellar-core refuses HTTP_QUERY_PORT on a networked validator');
  const lines = tomlLines({
    NETWORK_PASSPHRASE: networkPassphrase(input.network),
    HTTP_PORT,
    PUBLIC_HTTP_PORT: true,
    PEER_PORT,
    NODE_IS_VALIDATOR: input.validator ?? false,
    DATABASE: 'sqlite3:///data/stellar.db',
    BUCKET_DIR_PATH: '/data/buckets',
    CATCHUP_RECENT: 1024,
    KNOWN_PEERS: input.knownPeers?.length ? input.knownPeers : undefined,
    PREFERRED_PEERS: input.preferredPeers?.length ? input.preferredPeers : undefined,
    ...(input.queryServer ? queryServerSettings() : {}),
  });
  for (const domain of input.homeDomains ?? []) {
    lines.push('', '[[HOME_DOMAINS]]', ...tomlLines({ HOME_DOMAIN: domain.homeDomain, QUALITY: domain.quality }));
  }
  for (const v of input.validators ?? []) {
    lines.push('', '[[VALIDATORS]]', ...tomlLines({ NAME: v.name, HOME_DOMAIN: v.homeDomain, PUBLIC_KEY: v.publicKey, ADDRESS: v.address, HISTORY: v.history }));
  }
  input.historyArchiveUrls.forEach((url, index) => {
    const base = url.replace(/\/+$/, '');
    lines.push('', `[HISTORY.archive${index}]`, `get=${tomlString(`curl -sf ${base}/{0} -o {1}`)}`);
  });
  return `${lines.join('\n')}\n`;
}
