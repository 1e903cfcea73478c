// Each replica's shards reach its container as Downward API files of the pod's shard annotations.
import { describe, expect, it } from '@jest/globals';
import { poolStatefulSet, SHARD_FILES } from '../../domain/pool-objects.js';
import { SHARD_ANNOTATIONS } from '../../domain/pool-names.js';
import { withDefaults } from '../../domain/pool-spec.js';

interface PodSpec {
  containers: { volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[] }[];
  volumes: { name: string; downwardAPI?: { items: { path: string; fieldRef: { fieldPath: string } }[] } }[];
}

const owner = { namespace: 'ns', name: 'pool', uid: 'u1' };
const podSpec = (sharding: boolean): PodSpec => {
  const spec = withDefaults({ network: 'Testnet', shardBalancing: { enabled: sharding }, historyArchiveUrls: ['http://a'] });
  return (poolStatefulSet(owner, spec, 3).spec as { template: { spec: PodSpec } }).template.spec;
};

describe('shard files', () => {
  it('with sharding, mounts the shard annotations read-only, one file each', () => {
    const spec = podSpec(true);
    const volume = spec.volumes.find((v) => v.downwardAPI);
    expect(volume?.downwardAPI?.items).toEqual([
      { path: 'shard-id', fieldRef: { fieldPath: `metadata.annotations['${SHARD_ANNOTATIONS.shardId}']` } },
      { path: 'archive-url', fieldRef: { fieldPath: `metadata.annotations['${SHARD_ANNOTATIONS.archiveUrl}']` } },
      { path: 'ledger-range', fieldRef: { fieldPath: `metadata.annotations['${SHARD_ANNOTATIONS.ledgerRange}']` } },
    ]);
    expect(spec.containers[0]?.volumeMounts).toContainEqual({ name: volume?.name, mountPath: SHARD_FILES.directory, readOnly: true });
  });

  it('without sharding, mounts nothing (a pool that never shards does not roll for it)', () => {
    const spec = podSpec(false);
    expect(spec.volumes.some((v) => v.downwardAPI)).toBe(false);
    expect(spec.containers[0]?.volumeMounts.some((m) => m.mountPath === SHARD_FILES.directory)).toBe(false);
  });
});
