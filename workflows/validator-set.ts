import { allHandlersFinished, condition, continueAsNew, patched, proxyActivities, setHandler, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import type { createValidatorActivities } from '../activities/validator-activities.js';
import { connectedAfter, type ConnectResult } from '../domain/validator-connections.js';
import { decideValidators, nodeStatusChanged } from '../domain/validator-decision.js';
import { recordPushes, type PushLedger } from '../domain/validator-peers.js';
import { networkSlug } from '../domain/network.js';
import { connectSummary, pushSummary, validatorApplySummary } from '../domain/summaries.js';
import { peersQuery, resourceChangedSignal, resyncSignal, type ValidatorSetInput, type ValidatorSetView } from './contract.js';
import { recordReconcile, recordValidators } from './metrics.js';

const OPTIONS: ActivityOptions = {
  startToCloseTimeout: '60 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2 },
};
const validators = proxyActivities<ReturnType<typeof createValidatorActivities>>(OPTIONS);
/** Activity options with a summary the Web UI shows in the history. */
const summarized = (summary: string): ActivityOptions => ({ ...OPTIONS, summary });

const ITERATIONS_PER_RUN = 200;
/**
 * Patch: peers are decided from each validator's `/peers` (connectPeers, verified) instead of a ledger of
 * pushes, and each network writes only its own keys of `stellar-peers` (writeNetworkPeers).
 */
const OBSERVED_PEERS_PATCH = 'validator-peers-observed';
const DEFAULT_RESYNC_SECONDS = 30;

/**
 * Peer discovery for one network (`validator-set/<network>`): each iteration observes every StellarNode
 * (with each validator's `/info` and `/peers`), connects the healthy validators that `/peers` shows
 * unconnected and verifies each connection (unhealthy ones wait until they are healthy), rewrites this
 * network's keys of the shared ConfigMap only when they changed, applies each validator's objects
 * (KNOWN_PEERS included), and writes node statuses. Woken by watches (`resource-changed`) and `resync`.
 */
export async function validatorSetWorkflow(input: ValidatorSetInput): Promise<void> {
  let ledger: PushLedger = input.ledger ?? {};
  let woken = false;
  const view: ValidatorSetView = { network: input.network, iterations: 0, peers: [], pending: {}, told: {} };
  setHandler(resourceChangedSignal, () => {
    woken = true;
  });
  setHandler(resyncSignal, () => {
    woken = true;
  });
  setHandler(peersQuery, () => view);
  for (let iteration = 0; iteration < ITERATIONS_PER_RUN; iteration += 1) {
    woken = false;
    const startedAt = Date.now();
    const observed = await validators.observeValidators.executeWithOptions(summarized(`observe validators, their Services and pods (network ${input.network})`), []);
    const decision = decideValidators(input.network, observed, ledger, Date.now());
    const observedPeers = patched(OBSERVED_PEERS_PATCH);
    // Connect first: running validators learn new peers at once; configs (KNOWN_PEERS, for restarts) follow.
    let done: Awaited<ReturnType<typeof validators.pushPeers>> = [];
    let results: ConnectResult[] = [];
    if (observedPeers) {
      const { connects } = decision.connections;
      results = connects.length > 0 ? await validators.connectPeers.executeWithOptions(summarized(connectSummary(decision)), [{ connects }]) : [];
      if (decision.networkPeers) await validators.writeNetworkPeers.executeWithOptions(summarized(`write stellar-system/stellar-peers: ${decision.peers.length} peers`), [decision.networkPeers]);
    } else {
      done = decision.pushes.length > 0 ? await validators.pushPeers.executeWithOptions(summarized(pushSummary(decision)), [{ pushes: decision.pushes, targets: decision.pushTargets }]) : [];
      if (decision.peersConfigMap) await validators.writePeersConfigMap.executeWithOptions(summarized(`write stellar-system/stellar-peers: ${decision.peers.length} peers`), [decision.peersConfigMap]);
    }
    await validators.applyValidatorObjects.executeWithOptions(summarized(validatorApplySummary(decision)), [decision.objects]);
    if (!observedPeers) ledger = recordPushes(ledger, decision.health, done);
    const changed = decision.statuses.filter((s) => nodeStatusChanged(observed.nodes.find((n) => n.namespace === s.namespace && n.name === s.name)?.status, s.status));
    if (changed.length > 0) await validators.writeNodeStatuses.executeWithOptions(summarized(`status of ${changed.map((c) => c.name).join(', ')}`), [changed]);
    view.iterations += 1;
    view.peers = decision.peers.map((p) => `${p.namespace}/${p.name}`);
    if (observedPeers) {
      const after = connectedAfter(decision.connections, results.filter((r) => r.connected), decision.members);
      view.pending = after.missing;
      view.told = after.connected;
    } else {
      view.pending = Object.fromEntries(Object.entries(decision.pending).map(([k, v]) => [k, v.filter((peer) => !done.some((d) => d.validator === k && d.peer === peer))]));
      view.told = Object.fromEntries(Object.entries(ledger).map(([k, v]) => [k, v.told]));
    }
    recordValidators(view, networkSlug(input.network));
    recordReconcile('validator-set', startedAt);
    const retrySoon = Object.values(view.pending).some((p) => p.length > 0);
    await condition(() => woken, (retrySoon ? 1 : (input.resyncSeconds ?? DEFAULT_RESYNC_SECONDS)) * 1000);
    if (workflowInfo().continueAsNewSuggested) break;
  }
  await condition(allHandlersFinished);
  await continueAsNew<typeof validatorSetWorkflow>({ ...input, ledger });
}
