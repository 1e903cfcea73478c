import { describe, expect, it } from '@jest/globals';
import { parseCoreInfo, type ReplicaProbe } from '../../domain/core-info.js';
import { assessReplica, networkTip, servingReplicas } from '../../domain/freshness.js';
import { NETWORK_PASSPHRASES } from '../../domain/network.js';
import { withDefaults } from '../../domain/pool-spec.js';

const TESTNET = NETWORK_PASSPHRASES.Testnet;
const spec = withDefaults({ network: 'Testnet', loadBalancing: { lagThreshold: 10, freshNodeWeight: 100, laggingNodeWeight: 10 } });
const probe = (replica: string, ledger: number, state = 'Synced!', network: string = TESTNET): ReplicaProbe => ({ replica, ready: true, info: { state, ledger, network } });

describe('networkTip', () => {
  it('takes the highest ledger among sources on the pool network and lists the others as ignored', () => {
    const tip = networkTip(TESTNET, [
      { source: 'archive', ledger: 1023, network: TESTNET },
      { source: 'replica a', ledger: 1030, network: TESTNET },
      { source: 'mainnet archive', ledger: 999999, network: NETWORK_PASSPHRASES.Mainnet },
    ]);
    expect(tip).toEqual({ ledger: 1030, ignored: [{ source: 'mainnet archive', network: NETWORK_PASSPHRASES.Mainnet }] });
  });

  it('is unknown with no source on the network', () => {
    expect(networkTip(TESTNET, []).ledger).toBeUndefined();
  });
});

describe('assessReplica', () => {
  it.each([
    ['synced at the tip', probe('a', 1000), true, 100, 'Fresh'],
    ['synced, exactly at the threshold', probe('a', 990), true, 100, 'Fresh'],
    ['synced, one past the threshold', probe('a', 989), false, 10, 'Lagging'],
    ['catching up', probe('a', 1000, 'Catching up'), false, 10, 'NotSynced'],
    ['joining SCP', probe('a', 1000, 'Joining SCP'), false, 10, 'NotSynced'],
    ['on another network', probe('a', 1000, 'Synced!', NETWORK_PASSPHRASES.Mainnet), false, 0, 'WrongNetwork'],
    ['unreachable', { replica: 'a', ready: true, error: { type: 'Unreachable' as const, message: 'ECONNREFUSED' } }, false, 0, 'Unreachable'],
    ['booting', { replica: 'a', ready: true, error: { type: 'Booting' as const, message: 'Core is booting' } }, false, 0, 'Booting'],
    ['garbage', { replica: 'a', ready: true, error: { type: 'BadResponse' as const, message: 'not JSON' } }, false, 0, 'BadResponse'],
  ])('%s', (_name, replicaProbe, fresh, weight, reason) => {
    const assessment = assessReplica(replicaProbe, 1000, spec, TESTNET);
    expect(assessment).toEqual(expect.objectContaining({ fresh, weight, reason }));
  });

  it('reports the lag in ledgers', () => {
    expect(assessReplica(probe('a', 900), 1000, spec, TESTNET).lag).toBe(100);
  });
});

describe('servingReplicas', () => {
  const assess = (probes: ReplicaProbe[]) => probes.map((p) => assessReplica(p, 1000, spec, TESTNET));

  it('routes only to fresh ready replicas', () => {
    expect(servingReplicas(assess([probe('a', 1000), probe('b', 500), probe('c', 999)]))).toEqual(['a', 'c']);
  });

  it('routes to every ready replica of the network when none is fresh, never to none', () => {
    expect(servingReplicas(assess([probe('a', 10), probe('b', 500)]))).toEqual(['a', 'b']);
  });

  it('never routes to a replica of another network', () => {
    expect(servingReplicas(assess([probe('a', 1000, 'Synced!', NETWORK_PASSPHRASES.Mainnet)]))).toEqual([]);
  });

  it('skips pods that are not Ready', () => {
    expect(servingReplicas(assess([{ ...probe('a', 1000), ready: false }, probe('b', 1000)]))).toEqual(['b']);
  });
});

describe('parseCoreInfo', () => {
  it('reads state, ledger, network and age', () => {
    const body = JSON.stringify({ info: { state: 'Synced!', network: TESTNET, build: 'v22', ledger: { num: 42, age: 3 } } });
    expect(parseCoreInfo(body)).toEqual({ info: { state: 'Synced!', ledger: 42, network: TESTNET, ledgerAge: 3, build: 'v22' } });
  });

  it.each([
    ['{"error": "Core is booting, try again later"}', 'Booting'],
    ['<html>oops', 'BadResponse'],
    ['{"info": {"state": "Synced!"}}', 'BadResponse'],
  ])('turns %s into a %s probe error', (body, type) => {
    expect(parseCoreInfo(body).error?.type).toBe(type);
  });
});
