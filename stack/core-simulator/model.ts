/** The networks the simulator knows by name. */
export const PASSPHRASES: Record<string, string> = {
  mainnet: 'Public Global Stellar Network ; September 2015',
  testnet: 'Test SDF Network ; September 2015',
  futurenet: 'Test SDF Future Network ; October 2022',
};

/** A pod's scenario, from its annotation `sim.stellar.org/scenario`. */
export type Scenario =
  | { kind: 'synced' } | { kind: 'lagging'; ledgers: number } | { kind: 'stalled' } | { kind: 'catching-up' }
  | { kind: 'booting' } | { kind: 'wrong-network' } | { kind: 'slow'; ms: number } | { kind: 'garbage' } | { kind: 'unreachable' };

/** The annotation that sets a pod's scenario. */
export const SCENARIO_ANNOTATION = 'sim.stellar.org/scenario';

/** Parses a scenario; unknown text is `synced` with a warning. */
export function parseScenario(text: string | undefined): { scenario: Scenario; warning?: string } {
  const value = (text ?? 'synced').trim();
  const [kind, arg] = value.split(':');
  const number = Number(arg);
  switch (kind) {
    case 'synced': case 'stalled': case 'catching-up': case 'booting': case 'wrong-network': case 'garbage': case 'unreachable':
      return { scenario: { kind } as Scenario };
    case 'lagging':
      if (Number.isInteger(number) && number >= 0) return { scenario: { kind: 'lagging', ledgers: number } };
      break;
    case 'slow':
      if (Number.isInteger(number) && number >= 0) return { scenario: { kind: 'slow', ms: number } };
      break;
    default:
  }
  return { scenario: { kind: 'synced' }, warning: `unknown scenario '${value}': expected synced, lagging:N, stalled, catching-up, booting, wrong-network, slow:MS, garbage or unreachable` };
}

/** The network tip: one ledger per `intervalMs` since `startedAt`, from a base ledger. */
export function tipLedger(now: number, startedAt: number, intervalMs: number, base = 1_000_000): number {
  return base + Math.floor((now - startedAt) / intervalMs);
}

/** The newest complete checkpoint at or below `ledger`. */
export function archiveLedger(ledger: number): number {
  const next = (Math.floor(ledger / 64) + 1) * 64 - 1;
  return next <= ledger ? next : next - 64;
}

/** Another network's passphrase than `passphrase` (for `wrong-network`). */
export function otherNetwork(passphrase: string): string {
  return passphrase === PASSPHRASES.mainnet ? (PASSPHRASES.testnet as string) : (PASSPHRASES.mainnet as string);
}
