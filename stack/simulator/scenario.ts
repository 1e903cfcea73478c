/** The pod annotation that chooses how a simulated stellar-core behaves. */
export const SCENARIO_ANNOTATION = 'sim.stellar.org/scenario';

/**
 * How one simulated stellar-core behaves:
 * - `synced`: at the network tip, state `Synced!` (the default);
 * - `lagging`: `behind` ledgers behind the tip, still `Synced!`;
 * - `stalled`: ledger frozen at the tip it had when the stall began, still `Synced!`;
 * - `catching-up`: state `Catching up`, far behind, with a `status` message;
 * - `booting`: every known route answers `{"error": "Core is booting, try again later"}`;
 * - `wrong-network`: synced, but on another network (reports its passphrase and tip);
 * - `slow`: synced, answers after `delayMs`;
 * - `garbage`: every known route answers 200 with a body that is not JSON;
 * - `unreachable`: nothing listens on the pod's port.
 */
export type Scenario =
  | { kind: 'synced' }
  | { kind: 'lagging'; behind: number }
  | { kind: 'stalled' }
  | { kind: 'catching-up' }
  | { kind: 'booting' }
  | { kind: 'wrong-network' }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'garbage' }
  | { kind: 'unreachable' };

/** A parsed scenario, with a `problem` when the text was not understood (the scenario is then `synced`). */
export interface ParsedScenario {
  scenario: Scenario;
  problem?: string;
}

/** Largest accepted `slow:MS` delay: ten minutes. */
export const MAX_SLOW_MS = 600_000;

const WITHOUT_ARGUMENT = ['synced', 'stalled', 'catching-up', 'booting', 'wrong-network', 'garbage', 'unreachable'] as const;

/**
 * Parses a scenario annotation value: `synced`, `lagging:N`, `stalled`, `catching-up`, `booting`,
 * `wrong-network`, `slow:MS`, `garbage` or `unreachable` (surrounding spaces ignored). A missing or empty
 * value is `synced`; anything else not understood is `synced` with a `problem` saying why.
 */
export function parseScenario(text: string | undefined): ParsedScenario {
  const value = (text ?? '').trim();
  if (value === '') return { scenario: { kind: 'synced' } };
  const [kind, argument, ...rest] = value.split(':');
  if (rest.length === 0 && argument === undefined) {
    const simple = WITHOUT_ARGUMENT.find((name) => name === kind);
    if (simple) return { scenario: { kind: simple } };
  }
  if (rest.length === 0 && kind === 'lagging' && isCount(argument)) {
    return { scenario: { kind: 'lagging', behind: Number(argument) } };
  }
  if (rest.length === 0 && kind === 'slow' && isCount(argument) && Number(argument) <= MAX_SLOW_MS) {
    return { scenario: { kind: 'slow', delayMs: Number(argument) } };
  }
  return { scenario: { kind: 'synced' }, problem: `unknown scenario "${value}": expected ${SCENARIO_SYNTAX}` };
}

/** The accepted scenario forms, for messages. */
export const SCENARIO_SYNTAX = 'synced | lagging:N | stalled | catching-up | booting | wrong-network | slow:MS | garbage | unreachable';

/** The annotation text of a scenario (the inverse of `parseScenario`). */
export function formatScenario(scenario: Scenario): string {
  if (scenario.kind === 'lagging') return `lagging:${scenario.behind}`;
  if (scenario.kind === 'slow') return `slow:${scenario.delayMs}`;
  return scenario.kind;
}

function isCount(text: string | undefined): text is string {
  return text !== undefined && /^\d{1,9}$/.test(text);
}
