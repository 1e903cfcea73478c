import { parse } from 'smol-toml';
import type { QuorumSetSpec } from './known-quorum-sets.js';
import { networkPassphrase } from './network.js';
import { queryServerSettings } from './query-server.js';
import { renderToml, type TomlNode, type TomlTable } from './toml.js';

export type { QuorumValidator } from './known-quorum-sets.js';

/** A validator's own settings: its home domain and whether it publishes a local history archive. */
export interface ValidatorSelf {
  /** NODE_HOME_DOMAIN; stellar-core refuses a validator without it, or without its `[[HOME_DOMAINS]]` entry (Config::addSelfToValidators). */
  homeDomain: string;
  /** `enableHistoryArchive`: a `[HISTORY.local]` with get, put and mkdir under /data/history. */
  historyArchive: boolean;
  /** UNSAFE_QUORUM=true (see `validatorObjects` for when it is written). */
  unsafeQuorum: boolean;
}

/** A user's config override (`coreConfigOverride`): TOML text or a map of keys. */
export type CoreConfigOverride = string | Record<string, unknown>;

/** Settings of a generated stellar-core configuration. */
export interface CoreConfigInput {
  network: string;
  /** History archives to read from: each becomes a `[HISTORY.archive<i>]` table with a curl `get`. */
  historyArchiveUrls: string[];
  /** `host[:port]` peers, written as the TOML array KNOWN_PEERS. */
  knownPeers?: string[];
  preferredPeers?: string[];
  /** The quorum set: `[[HOME_DOMAINS]]` and `[[VALIDATORS]]`. stellar-core refuses a config without one. */
  quorumSet?: QuorumSetSpec;
  /** Set for a validator: `NODE_IS_VALIDATOR=true`, its home domain; the seed is added from the environment at start. */
  validator?: ValidatorSelf;
  /** Merged over the generated keys (a key of the override replaces the generated one). */
  override?: CoreConfigOverride;
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
/** Where a validator's local history archive lives (on its data volume). */
export const LOCAL_ARCHIVE_DIR = '/data/history';

function defined(entries: Record<string, TomlNode | undefined>): TomlTable {
  return Object.fromEntries(Object.entries(entries).filter((entry): entry is [string, TomlNode] => entry[1] !== undefined));
}

/**
 * The generated configuration as a TOML document, before any override. One line per setting. Throws when
 * a validator asks for the query server, a config stellar-core refuses to run (src/main/ApplicationImpl.cpp).
 */
export function coreConfigDocument(input: CoreConfigInput): TomlTable {
  if (input.validator && input.queryServer) throw new Error('stellar-core refuses HTTP_QUERY_PORT on a networked validator');
  const self = input.validator;
  const homeDomains = input.quorumSet?.homeDomains ?? [];
  const history: TomlTable = {};
  input.historyArchiveUrls.forEach((url, index) => {
    history[`archive${index}`] = { get: `curl -sf ${url.replace(/\/+$/, '')}/{0} -o {1}` };
  });
  if (self?.historyArchive) {
    // A writable archive: stellar-core's docs/stellar-core_example.cfg shows get/put/mkdir for a local one.
    history.local = { get: `cp ${LOCAL_ARCHIVE_DIR}/{0} {1}`, put: `cp {0} ${LOCAL_ARCHIVE_DIR}/{1}`, mkdir: `mkdir -p ${LOCAL_ARCHIVE_DIR}/{0}` };
  }
  return defined({
    NETWORK_PASSPHRASE: networkPassphrase(input.network),
    HTTP_PORT,
    PUBLIC_HTTP_PORT: true,
    PEER_PORT,
    NODE_IS_VALIDATOR: Boolean(self),
    NODE_HOME_DOMAIN: self?.homeDomain,
    UNSAFE_QUORUM: self?.unsafeQuorum ? true : undefined,
    DATABASE: 'sqlite3:///data/stellar.db',
    BUCKET_DIR_PATH: '/data/buckets',
    CATCHUP_RECENT: 1024,
    KNOWN_PEERS: input.knownPeers?.length ? input.knownPeers : undefined,
    PREFERRED_PEERS: input.preferredPeers?.length ? input.preferredPeers : undefined,
    ...(input.queryServer ? queryServerSettings() : {}),
    HOME_DOMAINS: homeDomains.length ? homeDomains.map((d) => ({ HOME_DOMAIN: d.homeDomain, QUALITY: d.quality })) : undefined,
    VALIDATORS: input.quorumSet?.validators.length
      ? input.quorumSet.validators.map((v) => defined({ NAME: v.name, HOME_DOMAIN: v.homeDomain, QUALITY: v.quality, PUBLIC_KEY: v.publicKey, ADDRESS: v.address, HISTORY: v.history }))
      : undefined,
    HISTORY: Object.keys(history).length ? history : undefined,
  });
}

/**
 * The override as a document, or undefined when it is TOML text that does not parse (it is then written
 * verbatim after the generated keys, where stellar-core refuses it as stellar-core would).
 */
export function overrideDocument(override: CoreConfigOverride): TomlTable | undefined {
  if (typeof override !== 'string') return override as TomlTable;
  try {
    return parse(override) as TomlTable;
  } catch {
    return undefined;
  }
}

/**
 * Renders a stellar-core configuration (TOML). Peers are arrays of strings, history archives are
 * `[HISTORY.name]` tables; an override replaces generated keys one top-level key at a time (a `HISTORY`
 * of its own is merged archive by archive). No secret is ever written here (a validator's NODE_SEED
 * comes from the environment when the pod starts).
 */
export function renderCoreConfig(input: CoreConfigInput): string {
  const generated = coreConfigDocument(input);
  if (input.override === undefined) return `${renderToml(generated).join('\n')}\n`;
  const override = overrideDocument(input.override);
  if (!override) {
    const raw = input.override as string;
    return `${renderToml(generated).join('\n')}\n\n# coreConfigOverride (not valid TOML)\n${raw.endsWith('\n') ? raw : `${raw}\n`}`;
  }
  const merged: TomlTable = { ...generated, ...override };
  const history = generated.HISTORY as TomlTable | undefined;
  if (history && override.HISTORY && typeof override.HISTORY === 'object' && !Array.isArray(override.HISTORY)) {
    merged.HISTORY = { ...history, ...(override.HISTORY as TomlTable) };
  }
  return `${renderToml(merged).join('\n')}\n`;
}
