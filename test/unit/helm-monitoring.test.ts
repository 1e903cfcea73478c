import { describe, expect, it } from '@jest/globals';
import { chartDir, helm, HelmError, helmTemplate } from '../../stack/helm.js';
import { dashboardOf, monitoringObjects, monitoringQueries, monitoringSelectors, ruleGroups } from '../support/monitoring-queries.js';

// The chart's optional monitoring parts: PrometheusRule, ServiceMonitor (with its Service) and the Grafana dashboard.
// `promtool test rules` on the alerts is test/unit/alert-rules.test; the series they read are checked against the
// worker's real /metrics in test/integration/demo.test.
const MONITORING_KINDS = ['PrometheusRule', 'ServiceMonitor'];

describe('the monitoring parts of the chart', () => {
  const objects = monitoringObjects();

  it('are all off by default (so the default render stays equal to kustomize)', () => {
    const kinds = helmTemplate('stellar-steward').map((object) => `${object.kind} ${object.metadata.name}`);
    expect(kinds.filter((kind) => MONITORING_KINDS.some((k) => kind.startsWith(k)))).toEqual([]);
    expect(kinds).not.toContain('ConfigMap stellar-steward-dashboard');
    expect(kinds).not.toContain('Service stellar-steward-metrics');
  });

  it('pass helm lint --strict when all on', () => {
    const set = ['alerts.enabled=true', 'serviceMonitor.enabled=true', 'dashboard.enabled=true'].flatMap((value) => ['--set', value]);
    expect(helm(['lint', chartDir(), '--strict', ...set])).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  it('alert on each condition the README lists, each with a severity, a summary and a description', () => {
    const rules = ruleGroups(objects).flatMap((group) => group.rules);
    expect(rules.map((rule) => rule.alert)).toEqual([
      'StewardPoolNoFreshReplica', 'StewardReplicaLagging', 'StewardTenantRolloutFailed', 'StewardDbReplicaUnhealthy',
      'StewardValidatorPushesPending', 'StewardReconcileErrors', 'StewardReconcileStalled', 'StewardWorkerNotPolling',
    ]);
    for (const rule of rules) {
      expect({ alert: rule.alert, severity: rule.labels?.severity, annotations: Object.keys(rule.annotations ?? {}) }).toEqual({
        alert: rule.alert, severity: expect.stringMatching(/^(critical|warning)$/), annotations: ['summary', 'description'],
      });
    }
  });

  it.each([
    ['the default queue', [], 'stellar-steward'],
    ['a cluster’s queue', ['clusterName=eu'], 'stellar-steward-eu'],
    ['a named queue', ['taskQueue=blue', 'clusterName=eu'], 'blue'],
  ])('watch the pollers of %s', (_what, set: string[], queue) => {
    const rule = ruleGroups(monitoringObjects(set)).flatMap((group) => group.rules).find((r) => r.alert === 'StewardWorkerNotPolling');
    expect(rule?.expr).toContain(`temporal_num_pollers{poller_type="workflow_task", task_queue="${queue}"}`);
  });

  it('take the lag threshold and durations from values', () => {
    const rules = ruleGroups(monitoringObjects(['alerts.replicaLagLedgers=500', 'alerts.replicaLagFor=30m', 'alerts.pendingPushesFor=1h'])).flatMap((group) => group.rules);
    expect(rules.find((r) => r.alert === 'StewardReplicaLagging')).toMatchObject({ expr: 'steward_replica_lag_ledgers > 500', for: '30m' });
    expect(rules.find((r) => r.alert === 'StewardValidatorPushesPending')).toMatchObject({ for: '1h' });
  });

  it('read at least one series in every query', () => {
    const queries = monitoringQueries(objects);
    const bare = queries.filter((query) => monitoringSelectors([query]).length === 0).map((query) => query.source);
    expect(bare).toEqual([]);
  });

  it('scrape the worker’s metrics port through a Service the ServiceMonitor selects', () => {
    const service = objects.find((object) => object.kind === 'Service');
    const monitor = objects.find((object) => object.kind === 'ServiceMonitor');
    expect(service).toMatchObject({ metadata: { name: 'stellar-steward-metrics', namespace: 'stellar-system' }, spec: { selector: { 'app.kubernetes.io/name': 'stellar-steward' }, ports: [{ name: 'metrics', port: 9464, targetPort: 'metrics' }] } });
    expect(monitor).toMatchObject({
      metadata: { namespace: 'stellar-system' },
      spec: { selector: { matchLabels: { 'app.kubernetes.io/name': 'stellar-steward' } }, namespaceSelector: { matchNames: ['stellar-system'] }, endpoints: [{ port: 'metrics', path: '/metrics', interval: '30s' }] },
    });
  });

  it('put the labels a Prometheus selects by on the rule and the monitor', () => {
    const labelled = monitoringObjects(['alerts.labels.release=kps', 'serviceMonitor.labels.release=kps']);
    for (const kind of MONITORING_KINDS) expect(labelled.find((object) => object.kind === kind)?.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'stellar-steward', release: 'kps' });
  });

  it('refuse a ServiceMonitor without metrics, naming both values', () => {
    let refusal: HelmError | undefined;
    try {
      helmTemplate('stellar-steward', ['serviceMonitor.enabled=true', 'metrics.enabled=false']);
    } catch (error) {
      if (!(error instanceof HelmError)) throw error;
      refusal = error;
    }
    expect(refusal?.stderr).toContain('serviceMonitor.enabled=true needs metrics.enabled=true');
  });

  it('ship the dashboard in a ConfigMap the Grafana sidecar loads, with the panels of each part', () => {
    const configMap = objects.find((object) => object.kind === 'ConfigMap');
    expect(configMap?.metadata).toMatchObject({ name: 'stellar-steward-dashboard', namespace: 'stellar-system', labels: { grafana_dashboard: '1' } });
    const dashboard = dashboardOf(objects);
    const rows = dashboard.panels.filter((panel) => panel.type === 'row').map((panel) => panel.title);
    expect(rows).toEqual(['Pools', 'Validators', 'Tenants', 'DB replicas', 'Reconcile']);
    const metricsOf = (title: string) => monitoringSelectors(monitoringQueries(objects).filter((q) => q.source.startsWith(`panel "${title}"`))).map((s) => s.metric);
    expect(metricsOf('Fresh and lagging replicas')).toEqual(expect.arrayContaining(['steward_pool_fresh_replicas', 'steward_pool_lagging_replicas']));
    expect(metricsOf('Lag per replica')).toEqual(['steward_replica_lag_ledgers']);
    expect(metricsOf('Traffic weight per replica')).toEqual(['steward_replica_weight']);
    expect(metricsOf('Peers per network')).toEqual(['steward_validator_peers']);
    expect(metricsOf('Pending peer pushes')).toEqual(['steward_validator_pending_pushes']);
    expect(metricsOf('Pool states')).toEqual(['steward_tenant_pool_state']);
    expect(metricsOf('Replica health')).toEqual(['steward_db_replica_healthy']);
    expect(metricsOf('Replay lag')).toEqual(['steward_db_replica_lag_bytes']);
    expect(metricsOf('Reconcile latency')).toEqual(['steward_reconcile_duration_bucket', 'steward_reconcile_duration_bucket']);
  });

  it('put the dashboard where values say', () => {
    const configMap = monitoringObjects(['dashboard.namespace=monitoring']).find((object) => object.kind === 'ConfigMap');
    expect(configMap?.metadata.namespace).toBe('monitoring');
  });
});
