import {
  allNodes, closestVBlockingSize, defaultThreshold, generateQuorumSet, isVBlocking, QUALITIES, type Quality, type QuorumEntry, type QuorumSetShape,
  type ThresholdLevel,
} from './quorum-set-math.js';
import { decodeStrKey } from './strkey.js';

// The quorum rules of stellar-core's Config::processConfig and Config::validateConfig (stellar/stellar-core
// src/main/Config.cpp): parseDomainsQuality, parseValidators, addSelfToValidators, loadQset,
// verifyHistoryValidatorsBlocking and validateConfig, checked on parsed TOML.

/** The quorum-related parts of a parsed config. */
export interface QuorumInput {
  validators: unknown;
  homeDomains: unknown;
  quorumSet: unknown;
  isValidator: boolean;
  nodeHomeDomain: string;
  unsafeQuorum: boolean;
  failureSafety: number;
  /** The node's own key (or a stand-in): a validator adds itself to its quorum set. */
  selfKey: string;
}

/** A broken quorum rule. */
export interface QuorumProblem {
  rule: string;
  message: string;
}

type Table = Record<string, unknown>;
const isTable = (value: unknown): value is Table => typeof value === 'object' && value !== null && !Array.isArray(value);
const MAX_NESTING = 4; // MAXIMUM_QUORUM_NESTING_LEVEL (src/scp/QuorumSetUtils.h)

class Refused extends Error {
  constructor(
    readonly rule: string,
    message: string,
  ) {
    super(message);
  }
}

/** Every quorum problem stellar-core would stop on (it stops on the first; the rest follow from it). */
export function checkQuorum(input: QuorumInput): QuorumProblem[] {
  try {
    validate(input);
    return [];
  } catch (error) {
    if (error instanceof Refused) return [{ rule: error.rule, message: error.message }];
    return [{ rule: 'quorum', message: error instanceof Error ? error.message : String(error) }];
  }
}

function validate(input: QuorumInput): void {
  const domains = input.homeDomains === undefined ? new Map<string, Quality>() : parseHomeDomains(input.homeDomains);
  const entries = input.validators === undefined ? [] : parseValidators(input.validators, domains);
  const hasQuorumSet = input.quorumSet !== undefined;
  if (input.isValidator && !(entries.length === 0 && hasQuorumSet)) {
    // Config::addSelfToValidators.
    if (!input.nodeHomeDomain) throw new Refused('home-domain', 'NODE_HOME_DOMAIN must be set');
    const quality = domains.get(input.nodeHomeDomain);
    if (!quality) throw new Refused('home-domain', `Validator configured with NODE_HOME_DOMAIN='${input.nodeHomeDomain}' but there is no matching HOME_DOMAINS`);
    entries.push({ name: 'self', key: input.selfKey, homeDomain: input.nodeHomeDomain, quality, hasHistory: false });
  }
  let quorum: QuorumSetShape;
  let level: ThresholdLevel;
  if (hasQuorumSet) {
    quorum = loadQuorumSet(input.quorumSet, 0);
    // stellar-core refuses a QUORUM_SET that differs from the one [[VALIDATORS]] generates unless
    // UNSAFE_QUORUM; we treat any QUORUM_SET beside [[VALIDATORS]] as differing.
    if (entries.length > 0 && !input.unsafeQuorum) throw new Refused('unsafe', "SCP unsafe: can't override [[VALIDATORS]] with QUORUM_SET unless UNSAFE_QUORUM=true");
    level = 'byzantine';
  } else {
    quorum = generateQuorumSet(entries);
    const archives = new Set(entries.filter((e) => e.hasHistory).map((e) => e.key));
    if (allNodes(quorum).length > 0 && !isVBlocking(quorum, archives) && !input.unsafeQuorum) {
      throw new Refused('unsafe', 'SCP unsafe: quorum can be reached without validators with an archive (set UNSAFE_QUORUM=true to allow it)');
    }
    level = new Set(entries.map((e) => e.homeDomain)).size > 1 ? 'byzantine' : 'simpleMajority';
  }
  validateQuorumSet(quorum, level, input);
}

function validateQuorumSet(quorum: QuorumSetShape, level: ThresholdLevel, input: QuorumInput): void {
  const nodes = allNodes(quorum);
  if (nodes.length === 0) throw new Refused('no-quorum-set', 'no validators defined in VALIDATORS/QUORUM_SET');
  const minSize = defaultThreshold(quorum, level);
  const failureSafety = input.failureSafety === -1 ? quorum.validators.length + quorum.innerSets.length - minSize : input.failureSafety;
  if (failureSafety >= closestVBlockingSize(quorum)) throw new Refused('failure-safety', 'FAILURE_SAFETY incompatible with QUORUM_SET');
  if (!input.unsafeQuorum) {
    if (failureSafety === 0) throw new Refused('unsafe', "SCP unsafe: can't have FAILURE_SAFETY=0 unless you also set UNSAFE_QUORUM=true");
    if (quorum.threshold < minSize) throw new Refused('unsafe', 'SCP unsafe: the quorum threshold is too low (THRESHOLD_PERCENT)');
  }
  // isQuorumSetSane (src/scp/QuorumSetUtils.cpp): a node may appear only once.
  if (new Set(nodes).size !== nodes.length) throw new Refused('quorum-set', 'Invalid QUORUM_SET: a validator appears more than once (is the node listed among its own VALIDATORS?)');
}

function parseQuality(text: unknown): Quality {
  if (typeof text !== 'string' || !(QUALITIES as readonly string[]).includes(text)) throw new Refused('quality', `Unknown QUALITY '${String(text)}'`);
  return text as Quality;
}

function parseHomeDomains(value: unknown): Map<string, Quality> {
  if (!Array.isArray(value) || !value.every(isTable)) throw new Refused('home-domains', 'malformed HOME_DOMAINS');
  const domains = new Map<string, Quality>();
  for (const entry of value) {
    for (const key of Object.keys(entry)) if (key !== 'HOME_DOMAIN' && key !== 'QUALITY') throw new Refused('home-domains', `Unknown field '${key}' in HOME_DOMAINS`);
    const domain = typeof entry.HOME_DOMAIN === 'string' ? entry.HOME_DOMAIN : '';
    if (!domain || entry.QUALITY === undefined) throw new Refused('home-domains', `Malformed HOME_DOMAINS '${domain}'`);
    if (domains.has(domain)) throw new Refused('home-domains', `Malformed HOME_DOMAINS: duplicate '${domain}'`);
    domains.set(domain, parseQuality(entry.QUALITY));
  }
  return domains;
}

const VALIDATOR_FIELDS = ['NAME', 'HOME_DOMAIN', 'QUALITY', 'PUBLIC_KEY', 'ADDRESS', 'HISTORY'];

function parseValidators(value: unknown, domains: ReadonlyMap<string, Quality>): (QuorumEntry & { hasHistory: boolean })[] {
  if (!Array.isArray(value) || !value.every(isTable)) throw new Refused('validators', 'malformed VALIDATORS');
  const names = new Set<string>();
  const keys = new Set<string>();
  return value.map((entry) => {
    for (const key of Object.keys(entry)) if (!VALIDATOR_FIELDS.includes(key)) throw new Refused('validators', `malformed VALIDATORS entry, unknown element '${key}'`);
    const name = typeof entry.NAME === 'string' ? entry.NAME : '';
    const homeDomain = typeof entry.HOME_DOMAIN === 'string' ? entry.HOME_DOMAIN : '';
    const key = typeof entry.PUBLIC_KEY === 'string' ? entry.PUBLIC_KEY : '';
    const history = typeof entry.HISTORY === 'string' ? entry.HISTORY : '';
    if (!name) throw new Refused('validators', "malformed VALIDATORS entry: missing 'NAME'");
    if (!key || !homeDomain) throw new Refused('validators', `malformed VALIDATORS entry '${name}'`);
    const domainQuality = domains.get(homeDomain);
    if (domainQuality && entry.QUALITY !== undefined) throw new Refused('validators', `malformed VALIDATORS entry '${name}': quality already defined in home domain '${homeDomain}'`);
    if (!domainQuality && entry.QUALITY === undefined) throw new Refused('validators', `malformed VALIDATORS entry '${name}' (missing quality)`);
    const quality = domainQuality ?? parseQuality(entry.QUALITY);
    // Config::addValidatorName, then KeyUtils::fromStrKey.
    if (names.has(name)) throw new Refused('validators', `name already used: ${name}`);
    if (keys.has(key)) throw new Refused('validators', `naming node twice: ${name}`);
    names.add(name);
    keys.add(key);
    if (!decodeStrKey(key, 'publicKey')) throw new Refused('validators', `malformed VALIDATORS entry '${name}': PUBLIC_KEY is not a valid public key`);
    if ((quality === 'HIGH' || quality === 'CRITICAL') && !history) {
      throw new Refused('validators', `malformed VALIDATORS entry '${name}' (critical and high quality must have an archive)`);
    }
    return { name, key, homeDomain, quality, hasHistory: history !== '' };
  });
}

/** Config::loadQset: VALIDATORS (public keys), THRESHOLD_PERCENT (1-100, default 67), inner tables. */
function loadQuorumSet(value: unknown, depth: number): QuorumSetShape {
  if (!isTable(value)) throw new Refused('quorum-set', 'invalid entry in quorum set definition');
  if (depth > MAX_NESTING) throw new Refused('quorum-set', 'too many levels in quorum set');
  let percent = 67;
  const set: QuorumSetShape = { threshold: 0, validators: [], innerSets: [] };
  for (const [key, item] of Object.entries(value)) {
    if (key === 'THRESHOLD_PERCENT') {
      if (typeof item !== 'number' || !Number.isInteger(item) || item <= 0 || item > 100) throw new Refused('quorum-set', 'invalid THRESHOLD_PERCENT');
      percent = item;
    } else if (key === 'VALIDATORS') {
      if (!Array.isArray(item) || !item.every((v) => typeof v === 'string' && decodeStrKey(v.split(/\s+/)[0] ?? '', 'publicKey'))) {
        throw new Refused('quorum-set', 'invalid key in QUORUM_SET.VALIDATORS (public keys, G...)');
      }
      set.validators.push(...(item as string[]).map((v) => v.split(/\s+/)[0] as string));
    } else if (isTable(item)) {
      set.innerSets.push(loadQuorumSet(item, depth + 1));
    } else {
      throw new Refused('quorum-set', `invalid quorum set, should be a group while parsing '${key}'`);
    }
  }
  const size = set.validators.length + set.innerSets.length;
  set.threshold = 1 + Math.floor((size * percent - 1) / 100);
  if (size === 0) throw new Refused('quorum-set', 'invalid quorum set definition');
  return set;
}
