import { describe, expect, it } from '@jest/globals';
import { missingSeries, parseMetrics, selectorsOf, type Selector } from '../support/metric-series.js';

describe('selectorsOf', () => {
  it.each<[string, string, string, Selector[]]>([
    ['a bare metric', 'steward_validator_peers', '', [{ metric: 'steward_validator_peers', matchers: [], needs: [] }]],
    [
      'a comparison with matchers',
      'steward_tenant_pool_state{state="PoolRolloutFailed", pool!="x"} == 1',
      '',
      [{ metric: 'steward_tenant_pool_state', matchers: [{ label: 'state', op: '=', value: 'PoolRolloutFailed' }, { label: 'pool', op: '!=', value: 'x' }], needs: [] }],
    ],
    [
      'a join: both sides need the on() labels',
      'a == 0 and on (resource_namespace, resource) b > 0',
      '',
      [{ metric: 'a', matchers: [], needs: ['resource_namespace', 'resource'] }, { metric: 'b', matchers: [], needs: ['resource_namespace', 'resource'] }],
    ],
    [
      'functions, by(), ranges and numbers are not metrics',
      'histogram_quantile(0.95, sum by (le, kind) (rate(steward_reconcile_duration_bucket[$__rate_interval])))',
      '{{kind}} p95',
      [{ metric: 'steward_reconcile_duration_bucket', matchers: [], needs: ['kind', 'le'] }],
    ],
    [
      'without() and ignoring() need nothing',
      'sum without (instance) (x) / ignoring (pool) y',
      '',
      [{ metric: 'x', matchers: [], needs: [] }, { metric: 'y', matchers: [], needs: [] }],
    ],
    [
      'a Grafana variable in a matcher, and legend labels',
      'steward_replica_weight{resource_namespace=~"$namespace"}',
      '{{resource}}/{{replica}}',
      [{ metric: 'steward_replica_weight', matchers: [{ label: 'resource_namespace', op: '=~', value: '$namespace' }], needs: ['resource', 'replica'] }],
    ],
    [
      'absent() and or',
      'absent(p{task_queue="q"}) or sum by (task_queue) (increase(s{task_queue="q"}[15m])) == 0',
      '',
      [
        { metric: 'p', matchers: [{ label: 'task_queue', op: '=', value: 'q' }], needs: ['task_queue'] },
        { metric: 's', matchers: [{ label: 'task_queue', op: '=', value: 'q' }], needs: ['task_queue'] },
      ],
    ],
    ['a label_values() variable', 'label_values(steward_pool_replicas, resource_namespace)', '', [{ metric: 'steward_pool_replicas', matchers: [], needs: ['resource_namespace'] }]],
  ])('%s', (_what, expr, legend, expected) => {
    expect(selectorsOf(expr, legend)).toEqual(expected);
  });
});

describe('missingSeries', () => {
  const samples = parseMetrics(
    [
      '# HELP steward_db_replica_healthy x',
      'steward_db_replica_healthy{replica="127.0.0.1:5433",resource="db",resource_namespace="stellar"} 1',
      'temporal_num_pollers{poller_type="workflow_task",task_queue="stellar-steward"} 2',
      '',
    ].join('\n'),
  );
  const selector = (metric: string, matchers: Selector['matchers'] = [], needs: string[] = []): Selector => ({ metric, matchers, needs });

  it.each<[string, Selector, string | undefined]>([
    ['present', selector('steward_db_replica_healthy', [], ['replica', 'resource']), undefined],
    ['absent by name', selector('steward_db_replica_lag_bytes'), 'no series named steward_db_replica_lag_bytes'],
    ['a matcher no series satisfies', selector('temporal_num_pollers', [{ label: 'task_queue', op: '=', value: 'other' }]), 'no temporal_num_pollers series with task_queue="other"'],
    ['a regex matcher', selector('temporal_num_pollers', [{ label: 'poller_type', op: '=~', value: 'work.*' }]), undefined],
    ['a negative regex matcher', selector('temporal_num_pollers', [{ label: 'poller_type', op: '!~', value: 'work.*' }]), 'no temporal_num_pollers series with poller_type!~"work.*"'],
    ['a Grafana variable asks only for the label', selector('steward_db_replica_healthy', [{ label: 'resource_namespace', op: '=~', value: '$namespace' }]), undefined],
    ['a Grafana variable on a label the series lacks', selector('temporal_num_pollers', [{ label: 'resource_namespace', op: '=~', value: '$namespace' }]), 'no temporal_num_pollers series with resource_namespace=~"$namespace"'],
    ['a needed label the series lacks', selector('temporal_num_pollers', [], ['task_queue', 'kind']), 'temporal_num_pollers lacks label kind'],
  ])('%s', (_what, sel, expected) => {
    expect(missingSeries(sel, samples)).toEqual(expected);
  });
});
