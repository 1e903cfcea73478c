// The stellar-core simulator's pods and clock as the unit tests of its answers build them.
import { SIM_NETWORKS } from '../../stack/simulator/network.js';
import type { SimPod } from '../../stack/simulator/node-state.js';
import { parseScenario } from '../../stack/simulator/scenario.js';

export const TESTNET = 'Test SDF Network ; September 2015';
/** The simulated clock: the epoch and one ledger every 200 ms. */
export const clock = { epochMs: 1_700_000_000_000, ledgerIntervalMs: 200 };
/** The Testnet ledger at the epoch. */
export const BASE = SIM_NETWORKS.testnet.baseLedger;
/** 10 s after the epoch: the Testnet tip is then `TIP` (BASE + 50). */
export const NOW = clock.epochMs + 10_000;
export const TIP = BASE + 50;

/** A Testnet pod at 127.1.0.7 started at the epoch, in `scenarioText` since the epoch unless `overrides` say otherwise. */
export function simPod(scenarioText = '', overrides: Partial<SimPod> = {}): SimPod {
  return {
    key: 'ns/core-0', uid: 'uid-0', ip: '127.1.0.7', network: TESTNET, scenarioText,
    scenario: parseScenario(scenarioText).scenario, scenarioSinceMs: clock.epochMs, startedOnMs: clock.epochMs, ...overrides,
  };
}
