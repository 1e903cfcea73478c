import { patched, setHandler } from '@temporalio/workflow';
import { networkSlug } from '../domain/network.js';
import { connectSummary, validatorApplySummary } from '../domain/summaries.js';
import { decideValidators, nodeStatusChanged } from '../domain/validator-decision.js';
import { connectedAfter, pushRetryDelayMs } from '../domain/validator-connections.js';
import { loopActivities as validators, reportFailure, stallTarget, summarized } from './activities.js';
import { peersQuery, resyncSignal, type ValidatorSetInput, type ValidatorSetView } from './contract.js';
import { validatorSetWorkflowV1 } from './legacy/validator-set.js';
import { recordValidators } from './metrics.js';
import { runReconcileLoop, type PassOutcome, type PassWake, type ReconcileKind } from './reconcile-loop.js';
import { withRefusals } from './node-refusals.js';
import { onReconcileLoop, PUSH_BACKOFF_PATCH, VALIDATOR_CACHED_READS_PATCH, VALIDATOR_REFUSALS_PATCH } from './versions.js';

const DEFAULT_RESYNC_SECONDS = 30;

interface ValidatorSetState {
  input: ValidatorSetInput;
  view: ValidatorSetView;
  /** The network's StellarNodes as last observed: a failed pass is reported on each. */
  nodes: { namespace: string; name: string }[];
  /** Consecutive passes that left a push missing (the retry backs off with it). */
  passesWithMissing: number;
  /** The last pass wrote (objects, peers or statuses): the next one reads the API, not the cache. */
  wrote?: boolean;
}

/**
 * Peer discovery for one network (`validator-set/<network>`): observe every StellarNode with each
 * validator's `/info` and `/peers`, connect the healthy validators `/peers` shows unconnected (verified),
 * write this network's keys of `stellar-peers` when they changed, apply each validator's objects and
 * write node statuses. Woken by watches and `resync`.
 */
export async function validatorSetWorkflow(input: ValidatorSetInput): Promise<void> {
  if (!onReconcileLoop()) return validatorSetWorkflowV1(input);
  const view: ValidatorSetView = { network: input.network, iterations: input.passesBefore ?? 0, peers: [], pending: {}, told: {} };
  await runReconcileLoop(validatorSetKind, { input, view, nodes: [], passesWithMissing: 0 }, input);
}

const validatorSetKind: ReconcileKind<ValidatorSetState, void> = {
  name: 'validator-set',
  handlers(state, wake) {
    setHandler(resyncSignal, wake);
    setHandler(peersQuery, () => state.view);
  },
  pass: validatorSetPass,
  reportFailure: (state, message) => reportFailure(state.nodes.map((n) => stallTarget('StellarNode', n.namespace, n.name)), message),
  result: () => undefined,
  carry: (state) => ({ ...state.input, ledger: undefined }),
  wroteLastPass: (state) => state.wrote === true,
  passes: (state) => state.view.iterations,
};

async function validatorSetPass(state: ValidatorSetState, wake: PassWake): Promise<PassOutcome> {
  const { network } = state.input;
  // A steady pass reads the worker's cache; one woken by a change, or after this set's own write, the API.
  // It observes only its own network: the decision reads nothing of the others.
  const reads = patched(VALIDATOR_CACHED_READS_PATCH) ? { fresh: wake.signalled || state.wrote === true, network } : undefined;
  const observed = await validators.observeValidators.executeWithOptions(summarized(`observe validators, their Services, pods and /peers (network ${network})`), reads ? [reads] : []);
  const decision = decideValidators(network, observed, {}, Date.now());
  state.nodes = decision.statuses.map(({ namespace, name }) => ({ namespace, name }));
  // Connect first: running validators learn new peers at once; configs (KNOWN_PEERS, for restarts) follow.
  const { connects } = decision.connections;
  const results = connects.length > 0 ? await validators.connectPeers.executeWithOptions(summarized(connectSummary(decision)), [{ connects }]) : [];
  if (decision.networkPeers) await validators.writeNetworkPeers.executeWithOptions(summarized(`write stellar-system/stellar-peers: ${decision.peers.length} peers`), [decision.networkPeers]);
  const applied = await validators.applyValidatorObjects.executeWithOptions(summarized(validatorApplySummary(decision)), reads ? [decision.objects, reads] : [decision.objects]);
  const statuses = patched(VALIDATOR_REFUSALS_PATCH) ? await withRefusals(decision.statuses, observed.nodes, applied.refused, decision.objects) : decision.statuses;
  const changed = statuses.filter((s) => nodeStatusChanged(observed.nodes.find((n) => n.namespace === s.namespace && n.name === s.name)?.status, s.status));
  if (changed.length > 0) await validators.writeNodeStatuses.executeWithOptions(summarized(`status of ${changed.map((c) => c.name).join(', ')}`), [changed]);
  if (reads) state.wrote = applied.applied.length > 0 || changed.length > 0 || decision.networkPeers !== undefined;
  const after = connectedAfter(decision.connections, results.filter((r) => r.connected), decision.members);
  Object.assign(state.view, { iterations: state.view.iterations + 1, peers: decision.peers.map((p) => `${p.namespace}/${p.name}`), pending: after.missing, told: after.connected });
  recordValidators(state.view, networkSlug(network));
  const retrySoon = Object.values(state.view.pending).some((p) => p.length > 0);
  const resyncMs = (state.input.resyncSeconds ?? DEFAULT_RESYNC_SECONDS) * 1000;
  if (!patched(PUSH_BACKOFF_PATCH)) return { requeueAfterMs: retrySoon ? 1000 : resyncMs };
  state.passesWithMissing = retrySoon ? state.passesWithMissing + 1 : 0;
  return { requeueAfterMs: pushRetryDelayMs(state.passesWithMissing, resyncMs) };
}
