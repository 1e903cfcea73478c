import { describe, expect, it } from '@jest/globals';
import { NamespacedEntries, type Entry } from '../../kube/object-cache.js';
import { equalityRequirement } from '../../kube/object-paths.js';

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

  it('takes the first key=value requirement of a selector as the index key, and the full selector still decides', () => {
    expect(equalityRequirement('app, stellar.org/pool=p, tier==web')).toEqual({ key: 'stellar.org/pool', value: 'p' });
    expect(equalityRequirement('app')).toBeUndefined();
    expect(equalityRequirement(undefined)).toBeUndefined();
    const entries = new NamespacedEntries();
    entries.set('a', 'p-0', pod('p-0', { pool: 'p', tier: 'web' }));
    entries.set('a', 'p-1', pod('p-1', { pool: 'p', tier: 'db' }));
    entries.set('a', 'q-0', pod('q-0', { pool: 'q', tier: 'web' }));
    expect(names(entries.selected('a', 'pool=p,tier=web'))).toEqual(['p-0']);
  });
});
