import { describe, expect, it } from '@jest/globals';
import { namespaceScopeFromEnv, scopedPaths } from '../../kube/namespace-scope.js';
import { TRIGGERS } from '../../kube/trigger-specs.js';

describe('namespaceScopeFromEnv', () => {
  it.each<[string, NodeJS.ProcessEnv, { namespaces: string[]; peersNamespace: string }]>([
    ['nothing set: all namespaces', {}, { namespaces: [], peersNamespace: 'stellar-system' }],
    ['empty lists: all namespaces', { STEWARD_WATCH_NAMESPACES: '', STEWARD_WATCH_NAMESPACE: '' }, { namespaces: [], peersNamespace: 'stellar-system' }],
    ['the older variable, one namespace', { STEWARD_WATCH_NAMESPACE: 'stellar' }, { namespaces: ['stellar'], peersNamespace: 'stellar-system' }],
    ['the older variable, a list', { STEWARD_WATCH_NAMESPACE: 'a,b' }, { namespaces: ['a', 'b'], peersNamespace: 'stellar-system' }],
    ['the list', { STEWARD_WATCH_NAMESPACES: 'team-a, team-b' }, { namespaces: ['team-a', 'team-b'], peersNamespace: 'stellar-system' }],
    ['blanks, empty entries and repeats', { STEWARD_WATCH_NAMESPACES: ' b,,a, b ,' }, { namespaces: ['b', 'a'], peersNamespace: 'stellar-system' }],
    ['both variables, the same list', { STEWARD_WATCH_NAMESPACES: 'a,b', STEWARD_WATCH_NAMESPACE: 'a, b' }, { namespaces: ['a', 'b'], peersNamespace: 'stellar-system' }],
    ['the list, the older variable empty', { STEWARD_WATCH_NAMESPACES: 'a', STEWARD_WATCH_NAMESPACE: '' }, { namespaces: ['a'], peersNamespace: 'stellar-system' }],
    ['another peers namespace', { STEWARD_PEERS_NAMESPACE: ' peers ' }, { namespaces: [], peersNamespace: 'peers' }],
    ['an empty peers namespace: the default', { STEWARD_PEERS_NAMESPACE: '' }, { namespaces: [], peersNamespace: 'stellar-system' }],
  ])('%s', (_what, env, expected) => {
    expect(namespaceScopeFromEnv(env)).toEqual(expected);
  });

  it.each<[string, NodeJS.ProcessEnv, string]>([
    ['a name with upper case', { STEWARD_WATCH_NAMESPACES: 'a,Team' }, "STEWARD_WATCH_NAMESPACES=a,Team: 'Team' is not a Namespace name"],
    ['a name with a slash', { STEWARD_WATCH_NAMESPACE: 'a/b' }, "STEWARD_WATCH_NAMESPACE=a/b: 'a/b' is not a Namespace name"],
    ['a name too long', { STEWARD_WATCH_NAMESPACES: 'x'.repeat(64) }, 'is not a Namespace name'],
    ['two lists that differ', { STEWARD_WATCH_NAMESPACES: 'a,b', STEWARD_WATCH_NAMESPACE: 'a' }, 'STEWARD_WATCH_NAMESPACES=a,b and STEWARD_WATCH_NAMESPACE=a differ'],
    ['a malformed peers namespace', { STEWARD_PEERS_NAMESPACE: 'Peers' }, "STEWARD_PEERS_NAMESPACE=Peers: 'Peers' is not a Namespace name"],
    ['two peers namespaces', { STEWARD_PEERS_NAMESPACE: 'a,b' }, 'STEWARD_PEERS_NAMESPACE=a,b: name one namespace'],
  ])('refuses %s, naming the variable', (_what, env, message) => {
    expect(() => namespaceScopeFromEnv(env)).toThrow(message);
  });
});

describe('scopedPaths: one collection path per namespace, or one for all', () => {
  const stellarNodes = (prefix: string) => `/apis/stellar.org/v1alpha1${prefix}/stellarnodes`;

  it.each<[string[], string[]]>([
    [[], ['/apis/stellar.org/v1alpha1/stellarnodes']],
    [['a'], ['/apis/stellar.org/v1alpha1/namespaces/a/stellarnodes']],
    [['a', 'b'], ['/apis/stellar.org/v1alpha1/namespaces/a/stellarnodes', '/apis/stellar.org/v1alpha1/namespaces/b/stellarnodes']],
  ])('%j -> %j', (namespaces, expected) => {
    expect(scopedPaths(namespaces, stellarNodes)).toEqual(expected);
  });

  it.each(Object.entries(TRIGGERS))('keeps every watch of the %s trigger inside the namespaces it is given', (_kind, trigger) => {
    for (const watch of trigger.watches) {
      const paths = scopedPaths(['team-a', 'team-b'], watch.path);
      expect(paths).toHaveLength(2);
      expect(paths.map((path) => /\/namespaces\/(team-a|team-b)\/[a-z]+$/.exec(path)?.[1])).toEqual(['team-a', 'team-b']);
    }
  });
});
