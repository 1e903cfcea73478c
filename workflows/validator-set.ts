import { setHandler } from '@temporalio/workflow';
import { networkSlug } from '../domain/network.js';
import { pushSummary, validatorApplySummary } from '../domain/summaries.js';
import { decideValidators, nodeStatusChanged } from '../domain/validator-decision.js';
import { recordPushes } from '../domain/validator-peers.js';
import { loopActivities as validators, reportFailure, stallTarget, summarized } from './activities.js';
import { peersQuery, resyncSignal, type ValidatorSetInput, type ValidatorSetView } from './contract.js';
import { validatorSetWorkflowV1 } from './legacy/validator-set.js';
import { recordValidators } from './metrics.js';
import { runReconcileLoop, type PassOutcome, type ReconcileKind } from './reconcile-loop.js';
import { onReconcileLoop } from './versions.js';

const DEFAULT_RESYNC_SECONDS = 30;

interface ValidatorSetState {
  input: ValidatorSetInput;
  view: ValidatorSetView;
  /** The network's StellarNodes as last observed: a failed pass is reported on each. */
  nodes: { namespace: string; name: string }[];
}

/**
 * Peer discovery for one network (`validator-set/<network>`): observe every StellarNode, push missing
 * peers to healthy validators with `/connect`, rewrite the shared ConfigMap when the peer set changed,
 * apply each validator's objects and write node statuses. Woken by watches and `resync`.
 */
export async function validatorSetWorkflow(input: ValidatorSetInput): Promise<void> {
  if (!onReconcileLoop()) return validatorSetWorkflowV1(input);
  const view: ValidatorSetView = { network: input.network, iterations: 0, peers: [], pending: {}, told: {} };
  await runReconcileLoop(validatorSetKind, { input, view, nodes: [] }, input.passesPerRun);
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
  carry: (state) => state.input,
};

async function validatorSetPass(state: ValidatorSetState): Promise<PassOutcome> {
  const { network } = state.input;
  const observed = await validators.observeValidators.executeWithOptions(summarized(`observe validators, their Services and pods (network ${network})`), []);
  const decision = decideValidators(network, observed, state.input.ledger ?? {}, Date.now());
  state.nodes = decision.statuses.map(({ namespace, name }) => ({ namespace, name }));
  // Push first: running validators learn new peers at once; configs (KNOWN_PEERS, for restarts) follow.
  const done = decision.pushes.length > 0 ? await validators.pushPeers.executeWithOptions(summarized(pushSummary(decision)), [{ pushes: decision.pushes, targets: decision.pushTargets }]) : [];
  if (decision.peersConfigMap) await validators.writePeersConfigMap.executeWithOptions(summarized(`write stellar-system/stellar-peers: ${decision.peers.length} peers`), [decision.peersConfigMap]);
  await validators.applyValidatorObjects.executeWithOptions(summarized(validatorApplySummary(decision)), [decision.objects]);
  state.input = { ...state.input, ledger: recordPushes(state.input.ledger ?? {}, decision.health, done) };
  const changed = decision.statuses.filter((s) => nodeStatusChanged(observed.nodes.find((n) => n.namespace === s.namespace && n.name === s.name)?.status, s.status));
  if (changed.length > 0) await validators.writeNodeStatuses.executeWithOptions(summarized(`status of ${changed.map((c) => c.name).join(', ')}`), [changed]);
  const view = state.view;
  view.iterations += 1;
  view.peers = decision.peers.map((p) => `${p.namespace}/${p.name}`);
  view.pending = Object.fromEntries(Object.entries(decision.pending).map(([k, v]) => [k, v.filter((peer) => !done.some((d) => d.validator === k && d.peer === peer))]));
  view.told = Object.fromEntries(Object.entries(state.input.ledger ?? {}).map(([k, v]) => [k, v.told]));
  recordValidators(view, networkSlug(network));
  const retrySoon = Object.values(view.pending).some((p) => p.length > 0);
  return { requeueAfterMs: (retrySoon ? 1 : (state.input.resyncSeconds ?? DEFAULT_RESYNC_SECONDS)) * 1000 };
}
