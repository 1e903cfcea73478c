import { describe, expect, it } from '@jest/globals';
import { describedConditions, describedEvents, parseTable, printedValue, readmeKubectlLines } from '../support/kubectl-output.js';

const README = [
  '## Before',
  '```bash',
  'kubectl get pods            # not in range',
  '```',
  '## ReadOnlyPool',
  'Prose with `kubectl delete sts x` inline is not a code block.',
  '```bash',
  'kubectl apply -f examples/readonlypool.yaml      # a comment',
  'node bin/steward.js status',
  'kubectl create namespace stellar --dry-run=client -o yaml | kubectl apply -f -   # pipe kept',
  '```',
  '```yaml',
  'kubectl: not a command',
  '```',
  '```',
  'kubectl get in an unlabelled block',
  '```',
  '```bash',
  'kubectl describe tenant t -n stellar # one space before the comment',
  '```',
  '## Tenant',
  '```sh',
  '  kubectl get tenant -n stellar',
  '## not a heading inside a block',
  '```',
  '## Benchmarks',
  '```bash',
  'kubectl get pods',
  '```',
].join('\n');

describe('readmeKubectlLines', () => {
  it('takes the kubectl lines of shell blocks in the sections from ReadOnlyPool to Benchmarks, comments removed', () => {
    expect(readmeKubectlLines(README, 'ReadOnlyPool', 'Benchmarks')).toEqual([
      { section: 'ReadOnlyPool', command: 'kubectl apply -f examples/readonlypool.yaml' },
      { section: 'ReadOnlyPool', command: 'kubectl create namespace stellar --dry-run=client -o yaml | kubectl apply -f -' },
      { section: 'ReadOnlyPool', command: 'kubectl describe tenant t -n stellar' },
      { section: 'Tenant', command: 'kubectl get tenant -n stellar' },
    ]);
  });
});

describe('printedValue', () => {
  const object = { spec: { network: 'Testnet', custom: { Custom: 'p' } }, status: { readyReplicas: 3, zero: 0, conditions: [{ type: 'Ready', status: 'True' }, { type: 'Stalled', status: 'False' }] } };
  it.each([
    ['.status.readyReplicas', '3'],
    ['.status.zero', '0'],
    ['.spec.network', 'Testnet'],
    ['.spec.custom', '{"Custom":"p"}'],
    ['.status.missing', '<none>'],
    ['.nothing.at.all', '<none>'],
    ['.status.conditions[?(@.type=="Stalled")].status', 'False'],
    ['.status.conditions[?(@.type=="Progressing")].status', '<none>'],
  ])('%s -> %s', (jsonPath, value) => {
    expect(printedValue(object, jsonPath)).toBe(value);
  });
});

describe('parseTable', () => {
  it('splits cells by the header offsets, keeping one-space headers and empty cells', () => {
    const output = [
      'NAMESPACE   NAME           REPLICAS   READY   FRESH   LAGGING   AVG LAG   AGE',
      'stellar     testnet-pool   3          3       3       0         0         2m',
      'other       p              1                                              5s',
      '',
    ].join('\n');
    expect(parseTable(output)).toEqual([
      { NAMESPACE: 'stellar', NAME: 'testnet-pool', REPLICAS: '3', READY: '3', FRESH: '3', LAGGING: '0', 'AVG LAG': '0', AGE: '2m' },
      { NAMESPACE: 'other', NAME: 'p', REPLICAS: '1', READY: '', FRESH: '', LAGGING: '', 'AVG LAG': '', AGE: '5s' },
    ]);
  });

  it('is empty for no output', () => {
    expect(parseTable('No resources found in stellar namespace.\n')).toEqual([]);
  });
});

// What kubectl v1.33 prints for a StellarNode (taken from a run on the local stack), and the same with Events.
const DESCRIBED = [
  'Name:         validator-1',
  'Namespace:    stellar',
  'Spec:',
  '  Network:    Testnet',
  'Status:',
  '  Conditions:',
  '    Last Transition Time:  2026-11-30T09:56:33.901Z',
  '    Message:               synced; 2 peers known',
  '    Observed Generation:   1',
  '    Reason:                Synced',
  '    Status:                True',
  '    Type:                  Ready',
  '    Last Transition Time:  2026-11-30T09:56:32.210Z',
  '    Message:               every change was accepted',
  '    Observed Generation:   1',
  '    Reason:                Reconciled',
  '    Status:                False',
  '    Type:                  Stalled',
  '  Endpoint:                validator-1-0.validator-1-hl.stellar.svc.cluster.local:11625',
  '  Peer Count:              2',
].join('\n');

describe('describedConditions', () => {
  it('reads each condition of the status as one item, and stops at the next status field', () => {
    expect(describedConditions(DESCRIBED).map((c) => [c.Type, c.Status, c.Reason, c.Message])).toEqual([
      ['Ready', 'True', 'Synced', 'synced; 2 peers known'],
      ['Stalled', 'False', 'Reconciled', 'every change was accepted'],
    ]);
  });

  it('is empty without a Conditions list', () => {
    expect(describedConditions('Name: x\nStatus:\n  State: Ready\n')).toEqual([]);
  });
});

describe('describedEvents', () => {
  it.each([
    [`${DESCRIBED}\nEvents:                    <none>\n`, []],
    [
      `${DESCRIBED}\nEvents:\n  Type     Reason            Age   From             Message\n  ----     ------            ----  ----             -------\n  Warning  ReplicaUnhealthy  10s   stellar-steward  replica-1 unreachable\n`,
      [{ Type: 'Warning', Reason: 'ReplicaUnhealthy', Age: '10s', From: 'stellar-steward', Message: 'replica-1 unreachable' }],
    ],
    [DESCRIBED, []],
  ])('%#: %j', (output, events) => {
    expect(describedEvents(output)).toEqual(events);
  });
});
