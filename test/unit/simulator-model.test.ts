import { describe, expect, it } from '@jest/globals';
import { archiveLedger, parseScenario, PASSPHRASES, tipLedger } from '../../stack/core-simulator/model.js';
import { adminAnswer, type NodeMoment } from '../../stack/core-simulator/responses.js';

const moment = (scenario: NodeMoment['scenario']): NodeMoment => ({
  scenario, passphrase: PASSPHRASES.testnet as string, tip: 1000, stalledAt: 900, startedOn: 'T', now: 0, connected: [],
});
const info = (m: NodeMoment) => JSON.parse(adminAnswer(m, '/info', new URLSearchParams()).body) as { info: { state: string; network: string; ledger: { num: number } } };

describe('simulator model', () => {
  it.each([
    ['lagging:10', { kind: 'lagging', ledgers: 10 }],
    ['slow:250', { kind: 'slow', ms: 250 }],
    ['wrong-network', { kind: 'wrong-network' }],
    ['lagging:x', { kind: 'synced' }],
  ])('parses %s', (text, scenario) => {
    expect(parseScenario(text).scenario).toEqual(scenario);
  });

  it('advances the tip one ledger per interval, and the archive at complete checkpoints', () => {
    expect(tipLedger(10_000, 0, 500, 100)).toBe(120);
    expect(archiveLedger(127)).toBe(127);
    expect(archiveLedger(126)).toBe(63);
  });

  it.each([
    [{ kind: 'synced' as const }, 'Synced!', 1000],
    [{ kind: 'lagging' as const, ledgers: 30 }, 'Synced!', 970],
    [{ kind: 'stalled' as const }, 'Synced!', 900],
    [{ kind: 'catching-up' as const }, 'Catching up', 1],
  ])('reports %j', (scenario, state, ledger) => {
    expect(info(moment(scenario)).info).toEqual(expect.objectContaining({ state, ledger: expect.objectContaining({ num: ledger }) }));
  });

  it('answers booting, garbage, wrong network, 404 and /connect like stellar-core', () => {
    expect(JSON.parse(adminAnswer(moment({ kind: 'booting' }), '/peers', new URLSearchParams()).body)).toEqual({ error: 'Core is booting, try again later' });
    expect(() => JSON.parse(adminAnswer(moment({ kind: 'garbage' }), '/info', new URLSearchParams()).body)).toThrow();
    expect(info(moment({ kind: 'wrong-network' })).info.network).toBe(PASSPHRASES.mainnet);
    expect(adminAnswer(moment({ kind: 'synced' }), '/config-reload', new URLSearchParams())).toEqual(expect.objectContaining({ status: 404, contentType: 'text/html' }));
    const connect = adminAnswer(moment({ kind: 'synced' }), '/connect', new URLSearchParams('peer=a.b&port=11625'));
    expect(connect).toEqual({ status: 200, contentType: 'application/json', body: 'Connect to: a.b:11625' });
  });
});
