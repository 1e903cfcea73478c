import { parse } from 'smol-toml';
import { CORE_CONFIG_KEYS } from './core-config-keys.js';
import { checkQuorum, type QuorumInput } from './core-config-quorum.js';
import { decodeStrKey } from './strkey.js';

// The rules stellar-core applies when it loads its config (Config::load and Config::processConfig in
// stellar/stellar-core src/main/Config.cpp), the ones that matter for the configs Steward writes. A config
// that breaks one is refused: stellar-core exits at start, so the pod crash-loops. Used by the unit table
// over every generated config and by the strict simulator of the local stack.

/** One broken rule: a stable id and stellar-core's message (or ours where it only logs). */
export interface ConfigProblem {
  rule: string;
  message: string;
  /** The top-level key the problem is about, when there is one (none for bad TOML). */
  key?: string;
}

/** What the config is checked against. */
export interface ConfigContext {
  /** The passphrase of the network the pod belongs to (its NETWORK_PASSPHRASE env). */
  network: string;
  /** The node's own public key, when known (derived from NODE_SEED); else the identity "self". */
  selfPublicKey?: string;
}

type Table = Record<string, unknown>;

function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/**
 * Checks a stellar-core config (TOML text) the way stellar-core reads it; returns every problem found,
 * empty when stellar-core would start. A parse failure is the only problem reported for bad TOML.
 */
export function checkCoreConfig(text: string, context: ConfigContext): ConfigProblem[] {
  let doc: Table;
  try {
    doc = parse(text) as Table;
  } catch (error) {
    // Config::load: "Failed to parse '<file>' :<cpptoml error>".
    return [{ rule: 'toml', message: `Failed to parse config: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` }];
  }
  const problems: ConfigProblem[] = [];
  const add = (rule: string, message: string, key?: string): void => {
    problems.push({ rule, message, ...(key ? { key } : {}) });
  };
  for (const key of Object.keys(doc)) {
    // Config::processConfig: "Unknown configuration entry: '<key>'".
    if (!CORE_CONFIG_KEYS.has(key)) add('unknown-key', `Unknown configuration entry: '${key}'`, key);
  }
  checkTypes(doc, add);
  checkNetwork(doc, context, add);
  checkSeed(doc, add);
  checkHistory(doc, add);
  // Config::processConfig: INVARIANT_EXTRA_CHECKS cannot be enabled on a validator.
  if (doc.INVARIANT_EXTRA_CHECKS === true && doc.NODE_IS_VALIDATOR === true) {
    add('invariant-extra-checks', 'Invalid configuration: INVARIANT_EXTRA_CHECKS cannot be enabled on a validator node (NODE_IS_VALIDATOR=true)', 'INVARIANT_EXTRA_CHECKS');
  }
  const quorum: QuorumInput = {
    validators: doc.VALIDATORS,
    homeDomains: doc.HOME_DOMAINS,
    quorumSet: doc.QUORUM_SET,
    isValidator: doc.NODE_IS_VALIDATOR === true,
    nodeHomeDomain: typeof doc.NODE_HOME_DOMAIN === 'string' ? doc.NODE_HOME_DOMAIN : '',
    unsafeQuorum: doc.UNSAFE_QUORUM === true,
    failureSafety: typeof doc.FAILURE_SAFETY === 'number' ? doc.FAILURE_SAFETY : -1,
    selfKey: context.selfPublicKey ?? 'self',
  };
  for (const problem of checkQuorum(quorum)) add(problem.rule, problem.message, QUORUM_RULE_KEYS[problem.rule] ?? 'VALIDATORS');
  return problems;
}

// The key each quorum rule is about (Config::processConfig reads them; see core-config-quorum.ts).
const QUORUM_RULE_KEYS: Record<string, string> = {
  'home-domain': 'NODE_HOME_DOMAIN',
  'home-domains': 'HOME_DOMAINS',
  quality: 'HOME_DOMAINS',
  unsafe: 'UNSAFE_QUORUM',
  'failure-safety': 'FAILURE_SAFETY',
  'quorum-set': 'QUORUM_SET',
  'no-quorum-set': 'VALIDATORS',
  validators: 'VALIDATORS',
};

const BOOLEANS = ['PUBLIC_HTTP_PORT', 'NODE_IS_VALIDATOR', 'UNSAFE_QUORUM', 'RUN_STANDALONE', 'CATCHUP_COMPLETE', 'PREFERRED_PEERS_ONLY'];
const STRINGS = ['NETWORK_PASSPHRASE', 'NODE_SEED', 'NODE_HOME_DOMAIN', 'DATABASE', 'BUCKET_DIR_PATH', 'LOG_FILE_PATH'];
const STRING_ARRAYS = ['KNOWN_PEERS', 'PREFERRED_PEERS', 'PREFERRED_PEER_KEYS'];
// [key, min, max] as Config.cpp reads them with readInt<T>(item, min, max).
const INTEGERS: [string, number, number][] = [
  ['HTTP_PORT', 0, 65535],
  ['HTTP_QUERY_PORT', 0, 65535],
  ['PEER_PORT', 1, 65535],
  ['FAILURE_SAFETY', -1, 2 ** 31 - 2],
  ['CATCHUP_RECENT', 0, 2 ** 32 - 1],
  ['TARGET_PEER_CONNECTIONS', 1, 65535],
];

type Add = (rule: string, message: string, key?: string) => void;

function checkTypes(doc: Table, add: Add): void {
  // Config.cpp readBool / readString / readArray / readInt: "invalid '<key>'" and "bad '<key>'".
  for (const key of BOOLEANS) if (key in doc && typeof doc[key] !== 'boolean') add('type', `invalid '${key}': must be true or false`, key);
  for (const key of STRINGS) if (key in doc && typeof doc[key] !== 'string') add('type', `invalid '${key}': must be a string`, key);
  for (const key of STRING_ARRAYS) {
    const value = doc[key];
    if (key in doc && !(Array.isArray(value) && value.every((v) => typeof v === 'string'))) add('type', `invalid '${key}': must be an array of strings`, key);
  }
  for (const [key, min, max] of INTEGERS) {
    const value = doc[key];
    if (key in doc && !(typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max)) add('type', `bad '${key}': an integer in [${min}, ${max}]`, key);
  }
}

function checkNetwork(doc: Table, context: ConfigContext, add: Add): void {
  const passphrase = doc.NETWORK_PASSPHRASE;
  if (typeof passphrase !== 'string' || passphrase === '') {
    // validateNetworkPassphrase (src/main/ApplicationUtils.cpp), run by setupApp at start.
    add('network', 'NETWORK_PASSPHRASE not configured', 'NETWORK_PASSPHRASE');
  } else if (passphrase !== context.network) {
    // stellar-core would start, but on another network than the pod's: it never syncs with its peers.
    add('network', `NETWORK_PASSPHRASE '${passphrase}' differs from the pod's network '${context.network}'`, 'NETWORK_PASSPHRASE');
  }
}

function checkSeed(doc: Table, add: Add): void {
  if (typeof doc.NODE_SEED !== 'string') return;
  // Config::parseNodeID(isSeed): "invalid key", "aliases only store public keys", then KeyUtils::fromStrKey.
  const seed = doc.NODE_SEED.trim().split(/\s+/)[0] ?? '';
  if (seed.startsWith('$')) add('seed', `aliases only store public keys: ${seed.slice(0, 1)}...`, 'NODE_SEED');
  else if (!decodeStrKey(seed, 'seed')) add('seed', 'invalid key: NODE_SEED is not a valid seed (S... strkey)', 'NODE_SEED');
}

function checkHistory(doc: Table, add: Add): void {
  if (!('HISTORY' in doc)) return;
  // Config.cpp HISTORY: "incomplete HISTORY block", "malformed HISTORY config block",
  // "Unknown HISTORY-table entry: '<key>', within [HISTORY.<name>]".
  if (!isTable(doc.HISTORY)) {
    add('history', 'incomplete HISTORY block', 'HISTORY');
    return;
  }
  for (const [name, archive] of Object.entries(doc.HISTORY)) {
    if (!isTable(archive)) {
      add('history', `malformed HISTORY config block [HISTORY.${name}]`, 'HISTORY');
      continue;
    }
    for (const [key, value] of Object.entries(archive)) {
      if (!['get', 'put', 'mkdir'].includes(key)) add('history', `Unknown HISTORY-table entry: '${key}', within [HISTORY.${name}]`, 'HISTORY');
      else if (typeof value !== 'string') add('history', `[HISTORY.${name}] ${key} must be a string`, 'HISTORY');
    }
  }
}
