import { describe, expect, it } from '@jest/globals';
import { NamespacedEntries, type Entry } from '../../kube/object-cache.js';
import { equalityRequirements } from '../../kube/object-paths.js';

const pod = (name: string, labels: Record<string, string>): Entry => ({ object: { metadata: { name, labels } }, fieldsDigest: name });
const names = (entries: Iterable<Entry>): string[] => [...entries].map((e) => (e.object as { metadata: { name: string } }).metadata.name).sort();

describe('NamespacedEntries label index', () => {
  it('answers by label within one namespace, and follows sets, relabels and deletes made before and after it was built', () => {
    const entries = new NamespacedEntries();
    entries.set('a', 'p-0', pod('p-0', { pool: 'p' }));
    entries.set('a', 'q-0', pod('q-0', { pool: 'q' }));
    entries.set('b', 'p-0', pod('p-0', { pool: 'p' }));
    expect(names(entries.withLabel('a', 'pool', 'p'))).toEqual(['p-0']);
    entries.set('a', 'p-1', pod('p-1', { pool: 'p' }));
    entries.set('a', 'q-0', pod('q-0', { pool: 'p' })); // relabelled into p
    expect(names(entries.withLabel('a', 'pool', 'p'))).toEqual(['p-0', 'p-1', 'q-0']);
    expect(names(entries.withLabel('a', 'pool', 'q'))).toEqual([]);
    entries.delete('a', 'p-0');
    entries.set('a', 'p-1', pod('p-1', {})); // lost the label
    expect(names(entries.withLabel('a', 'pool', 'p'))).toEqual(['q-0']);
    expect(names(entries.withLabel('b', 'pool', 'p'))).toEqual(['p-0']);
    expect(entries.size).toBe(3);
    // Every entry still listed by namespace, labelled or not.
    expect(names(entries.inNamespace('a'))).toEqual(['p-1', 'q-0']);
  });

  it('reads a selector\'s key=value requirements, and the full selector decides whichever index answers', () => {
    expect(equalityRequirements('app, stellar.org/pool=p, tier==web')).toEqual([{ key: 'stellar.org/pool', value: 'p' }, { key: 'tier', value: 'web' }]);
    expect(equalityRequirements('app')).toEqual([]);
    expect(equalityRequirements(undefined)).toEqual([]);
    const entries = new NamespacedEntries();
    entries.set('a', 'p-0', pod('p-0', { pool: 'p', tier: 'web' }));
    entries.set('a', 'p-1', pod('p-1', { pool: 'p', tier: 'db' }));
    entries.set('a', 'q-0', pod('q-0', { pool: 'q', tier: 'web' }));
    entries.set('a', 'loose', pod('loose', {}));
    expect(names(entries.selected('a', 'pool=p,tier=web'))).toEqual(['p-0']);
    expect(names(entries.selected('a', 'tier=web,pool=p'))).toEqual(['p-0']);
    expect(names(entries.selected('a', 'tier=web,pool=r'))).toEqual([]);
    expect(names(entries.selected('a', 'tier'))).toEqual(['p-0', 'p-1', 'q-0']);
    expect(names(entries.selected('a', undefined))).toEqual(['loose', 'p-0', 'p-1', 'q-0']);
    expect(names(entries.selected('', 'pool=q'))).toEqual(['q-0']);
  });

  it('takes its candidates from the narrowest requirement\'s index, whichever comes first in the selector', () => {
    // A pool's selector: a label every pool's objects carry, then the pool's own. Counting the label reads
    // of the candidates shows how many the list went through.
    const entries = new NamespacedEntries();
    let reads = 0;
    const counted = (name: string, labels: Record<string, string>): Entry => ({
      object: { metadata: { name, get labels() { reads += 1; return labels; } } }, fieldsDigest: name,
    });
    for (let i = 0; i < 100; i += 1) entries.set('a', `pool-${i}-0`, counted(`pool-${i}-0`, { app: 'stellar-core', pool: `pool-${i}` }));
    for (const selector of ['app=stellar-core,pool=pool-7', 'pool=pool-7,app=stellar-core']) {
      expect(names(entries.selected('a', selector))).toEqual(['pool-7-0']);
      reads = 0;
      expect([...entries.selected('a', selector)]).toHaveLength(1);
      expect(reads).toBe(1);
    }
  });

  it('forgets its indexes when cleared', () => {
    const entries = new NamespacedEntries();
    entries.set('a', 'p-0', pod('p-0', { pool: 'p' }));
    expect(names(entries.selected('a', 'pool=p'))).toEqual(['p-0']);
    entries.clear();
    expect(names(entries.selected('a', 'pool=p'))).toEqual([]);
    expect(entries.size).toBe(0);
  });
});
