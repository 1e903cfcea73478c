import { describe, expect, it } from '@jest/globals';
import { baseLedger, networkSlug, otherNetwork, passphraseOf, passphraseOfSlug, SIM_NETWORKS } from '../../stack/simulator/network.js';
import { checkpointContaining, latestCompleteCheckpoint, ledgerCloseTimeMs, tipLedger } from '../../stack/simulator/tip.js';

const MAINNET = 'Public Global Stellar Network ; September 2015';
const TESTNET = 'Test SDF Network ; September 2015';
const FUTURENET = 'Test SDF Future Network ; October 2022';
const clock = { epochMs: 1_700_000_000_000, ledgerIntervalMs: 200 };

describe('networks', () => {
  it('states the exact passphrases', () => {
    expect([SIM_NETWORKS.mainnet.passphrase, SIM_NETWORKS.testnet.passphrase, SIM_NETWORKS.futurenet.passphrase]).toEqual([MAINNET, TESTNET, FUTURENET]);
  });

  it.each([
    ['Mainnet', MAINNET], ['mainnet', MAINNET], [MAINNET, MAINNET], ['Testnet', TESTNET], ['futurenet', FUTURENET],
    [' My Private Net ', 'My Private Net'],
  ])('passphraseOf(%j) is %j', (network, passphrase) => {
    expect(passphraseOf(network)).toBe(passphrase);
  });

  it('slugs known networks by name and custom ones by a stable hash that resolves back', () => {
    expect([networkSlug(MAINNET), networkSlug('Testnet'), networkSlug(FUTURENET)]).toEqual(['mainnet', 'testnet', 'futurenet']);
    const slug = networkSlug('My Private Net');
    expect(slug).toMatch(/^custom-[0-9a-f]{8}$/);
    expect(networkSlug('My Private Net')).toBe(slug);
    expect(passphraseOfSlug(slug, [TESTNET, 'My Private Net'])).toBe('My Private Net');
    expect(passphraseOfSlug(slug, [TESTNET])).toBeUndefined();
    expect(passphraseOfSlug('testnet')).toBe(TESTNET);
  });

  it('gives custom networks their own base ledger and the wrong-network scenario another network', () => {
    expect(baseLedger('My Private Net')).toBeGreaterThanOrEqual(200_000);
    expect(baseLedger('My Private Net')).toBeLessThan(300_000);
    expect(baseLedger('My Private Net')).not.toBe(baseLedger('Another Net'));
    expect(otherNetwork(TESTNET)).toBe(MAINNET);
    expect(otherNetwork(MAINNET)).toBe(TESTNET);
    expect(otherNetwork('My Private Net')).toBe(TESTNET);
  });
});

describe('tipLedger', () => {
  it('starts at the base ledger and advances one ledger per interval', () => {
    const base = SIM_NETWORKS.testnet.baseLedger;
    expect(tipLedger(TESTNET, clock.epochMs, clock)).toBe(base);
    expect(tipLedger(TESTNET, clock.epochMs + 199, clock)).toBe(base);
    expect(tipLedger(TESTNET, clock.epochMs + 200, clock)).toBe(base + 1);
    expect(tipLedger(TESTNET, clock.epochMs + 10_000, clock)).toBe(base + 50);
    expect(tipLedger(MAINNET, clock.epochMs + 10_000, clock)).toBe(SIM_NETWORKS.mainnet.baseLedger + 50);
  });

  it('never goes below the base for a time before the epoch', () => {
    expect(tipLedger(TESTNET, clock.epochMs - 60_000, clock)).toBe(SIM_NETWORKS.testnet.baseLedger);
  });

  it('closes each ledger at the instant the tip reaches it', () => {
    const ledger = SIM_NETWORKS.testnet.baseLedger + 7;
    const closeMs = ledgerCloseTimeMs(TESTNET, ledger, clock);
    expect(tipLedger(TESTNET, closeMs, clock)).toBe(ledger);
    expect(tipLedger(TESTNET, closeMs - 1, clock)).toBe(ledger - 1);
  });
});

describe('checkpoints', () => {
  it.each([[1, 63], [62, 63], [63, 63], [64, 127], [127, 127], [128, 191], [1_199_999, 1_199_999], [1_200_000, 1_200_063]])(
    'ledger %i is in the checkpoint ending at %i',
    (ledger, expected) => {
      expect(checkpointContaining(ledger)).toBe(expected);
    },
  );

  it.each([[0, 0], [62, 0], [63, 63], [64, 63], [126, 63], [127, 127], [200, 191], [1_200_062, 1_199_999], [1_200_063, 1_200_063]])(
    'at tip %i the newest complete checkpoint is %i',
    (tip, checkpoint) => {
      expect(latestCompleteCheckpoint(tip)).toBe(checkpoint);
    },
  );
});
