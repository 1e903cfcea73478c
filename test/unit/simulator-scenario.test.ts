import { describe, expect, it } from '@jest/globals';
import { formatScenario, parseScenario, type Scenario } from '../../stack/simulator/scenario.js';

describe('parseScenario', () => {
  it.each<[string | undefined, Scenario]>([
    [undefined, { kind: 'synced' }],
    ['', { kind: 'synced' }],
    ['  ', { kind: 'synced' }],
    ['synced', { kind: 'synced' }],
    ['lagging:10', { kind: 'lagging', behind: 10 }],
    ['lagging:0', { kind: 'lagging', behind: 0 }],
    [' stalled ', { kind: 'stalled' }],
    ['catching-up', { kind: 'catching-up' }],
    ['booting', { kind: 'booting' }],
    ['wrong-network', { kind: 'wrong-network' }],
    ['slow:1500', { kind: 'slow', delayMs: 1500 }],
    ['garbage', { kind: 'garbage' }],
    ['unreachable', { kind: 'unreachable' }],
  ])('%j is understood', (text, scenario) => {
    expect(parseScenario(text)).toEqual({ scenario });
  });

  it.each(['lagging', 'lagging:', 'lagging:-3', 'lagging:ten', 'lagging:1:2', 'slow', 'slow:600001', 'synced:3', 'Synced', 'flaky'])(
    '%j is simulated as synced, with a problem naming the text and the accepted forms',
    (text) => {
      const parsed = parseScenario(text);
      expect(parsed.scenario).toEqual({ kind: 'synced' });
      expect(parsed.problem).toContain(`"${text}"`);
      expect(parsed.problem).toContain('lagging:N');
    },
  );

  it('formats every scenario back to the text that parses to it', () => {
    for (const text of ['synced', 'lagging:7', 'stalled', 'catching-up', 'booting', 'wrong-network', 'slow:20', 'garbage', 'unreachable']) {
      expect(formatScenario(parseScenario(text).scenario)).toBe(text);
    }
  });
});
