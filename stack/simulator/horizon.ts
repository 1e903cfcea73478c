import { SIM_BUILD, SIM_PROTOCOL_VERSION } from './responses.js';
import { ledgerCloseTimeMs, tipLedger, type TipClock } from './tip.js';

/** The fields of Horizon's root document (`GET /`) that the simulator serves. */
export interface HorizonRoot {
  horizon_version: string;
  core_version: string;
  ingest_latest_ledger: number;
  history_latest_ledger: number;
  history_latest_ledger_closed_at: string;
  history_elder_ledger: number;
  core_latest_ledger: number;
  network_passphrase: string;
  current_protocol_version: number;
  core_supported_protocol_version: number;
  supported_protocol_version: number;
}

/**
 * Horizon's root document for a network at `nowMs`: core and ingestion are both at the network tip
 * (a simulated Horizon never lags).
 */
export function horizonRoot(network: string, nowMs: number, clock: TipClock): HorizonRoot {
  const tip = tipLedger(network, nowMs, clock);
  return {
    horizon_version: '22.0.0-simulated',
    core_version: SIM_BUILD,
    ingest_latest_ledger: tip,
    history_latest_ledger: tip,
    history_latest_ledger_closed_at: new Date(ledgerCloseTimeMs(network, tip, clock)).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    history_elder_ledger: 2,
    core_latest_ledger: tip,
    network_passphrase: network,
    current_protocol_version: SIM_PROTOCOL_VERSION,
    core_supported_protocol_version: SIM_PROTOCOL_VERSION,
    supported_protocol_version: SIM_PROTOCOL_VERSION,
  };
}
