import { describe, expect, it } from '@jest/globals';
import { kubectlEnvLine, kubectlTryLines, shellWord } from '../../starter/kubectl-lines.js';

describe('kubectlEnvLine', () => {
  it.each([
    [{ kubeconfigPath: '/var/tmp/stellar-steward/dev/kubeconfig', kubectlDir: '/root/.cache/stellar-steward/bin' }, 'export PATH=/root/.cache/stellar-steward/bin:"$PATH" KUBECONFIG=/var/tmp/stellar-steward/dev/kubeconfig'],
    [{ kubeconfigPath: '/var/tmp/stellar-steward/dev/kubeconfig' }, 'export KUBECONFIG=/var/tmp/stellar-steward/dev/kubeconfig'],
    [{ kubeconfigPath: "/home/o'neil/kube config", kubectlDir: '/home/a b/bin' }, `export PATH='/home/a b/bin':"$PATH" KUBECONFIG='/home/o'\\''neil/kube config'`],
  ])('%j -> %s', (setup, line) => {
    expect(kubectlEnvLine(setup)).toBe(line);
  });
});

describe('shellWord', () => {
  it.each([
    ['/plain/path-1.2_x', '/plain/path-1.2_x'],
    ['has space', "'has space'"],
    ['$HOME', "'$HOME'"],
    ["it's", `'it'\\''s'`],
  ])('%s -> %s', (word, quoted) => {
    expect(shellWord(word)).toBe(quoted);
  });
});

describe('kubectlTryLines', () => {
  it('lists every kind with its printer columns, then describes one resource of each kind, in the namespace', () => {
    const lines = kubectlTryLines({ namespace: 'stellar', pool: 'testnet-pool', validator: 'validator-1', tenant: 'archive-store', replicaSet: 'horizon-db' });
    expect(lines).toEqual([
      'kubectl get rop,sn,tenant,pgrs -n stellar',
      'kubectl describe rop testnet-pool -n stellar',
      'kubectl describe sn validator-1 -n stellar',
      'kubectl describe tenant archive-store -n stellar',
      'kubectl describe pgrs horizon-db -n stellar',
      'kubectl get pods -l stellar.org/pool=testnet-pool -L stellar.org/serving -n stellar',
    ]);
  });
});
