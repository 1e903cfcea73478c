// Every PromQL query the chart ships: its alerting rules and its Grafana dashboard's panels and variables, as
// `helm template` renders them with the monitoring parts on.
import type { KubeObject } from '../../domain/pool-objects.js';
import { helmTemplate } from '../../stack/helm.js';
import { selectorsOf, type Selector } from './metric-series.js';

/**
 * Series that exist only once something failed: the Temporal SDK makes a counter on its first increment. The demo
 * need not fail any activity, so test/integration/worker-process.test.ts (whose pool q is refused) checks these.
 */
export const FAILURE_SERIES: ReadonlySet<string> = new Set(['temporal_activity_execution_failed']);

/** One query, named by where it comes from (`alert X`, `panel "Y" A`, `variable z`). */
export interface MonitoringQuery {
  source: string;
  expr: string;
  legend: string;
}

/** A Prometheus rule as the PrometheusRule carries it. */
export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** The parts of a Grafana dashboard the queries come from. */
export interface Dashboard {
  title: string;
  panels: { type: string; title: string; targets?: { refId: string; expr: string; legendFormat?: string }[] }[];
  templating: { list: { name: string; type: string; query?: string | { query: string } }[] };
}

/** The chart rendered with alerts, ServiceMonitor and dashboard on (and any further `--set` values). */
export function monitoringObjects(set: string[] = []): KubeObject[] {
  return helmTemplate('stellar-steward', ['alerts.enabled=true', 'serviceMonitor.enabled=true', 'dashboard.enabled=true', ...set]);
}

/** The rule groups of the rendered PrometheusRule. */
export function ruleGroups(objects: KubeObject[]): { name: string; rules: AlertRule[] }[] {
  const rule = objects.find((object) => object.kind === 'PrometheusRule');
  if (!rule) throw new Error('the chart rendered no PrometheusRule: is alerts.enabled set?');
  return (rule.spec as { groups: { name: string; rules: AlertRule[] }[] }).groups;
}

/** The dashboard JSON of the rendered ConfigMap labelled grafana_dashboard. */
export function dashboardOf(objects: KubeObject[]): Dashboard {
  const configMap = objects.find((object) => object.kind === 'ConfigMap' && (object.metadata.labels as Record<string, string> | undefined)?.grafana_dashboard === '1');
  const json = (configMap?.data as Record<string, string> | undefined)?.['stellar-steward.json'];
  if (!json) throw new Error('the chart rendered no dashboard ConfigMap with stellar-steward.json: is dashboard.enabled set?');
  return JSON.parse(json) as Dashboard;
}

/** Every query of the rules and the dashboard. */
export function monitoringQueries(objects: KubeObject[]): MonitoringQuery[] {
  const rules = ruleGroups(objects).flatMap((group) => group.rules.map((rule) => ({ source: `alert ${rule.alert}`, expr: rule.expr, legend: '' })));
  const dashboard = dashboardOf(objects);
  const panels = dashboard.panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ source: `panel "${panel.title}" ${target.refId}`, expr: target.expr, legend: target.legendFormat ?? '' })),
  );
  const variables = dashboard.templating.list
    .filter((variable) => variable.type === 'query')
    .map((variable) => ({ source: `variable ${variable.name}`, expr: typeof variable.query === 'string' ? variable.query : (variable.query?.query ?? ''), legend: '' }));
  return [...rules, ...panels, ...variables];
}

/** Each query's selectors, tagged with the query's source. */
export function monitoringSelectors(queries: MonitoringQuery[]): (Selector & { source: string })[] {
  return queries.flatMap((query) => selectorsOf(query.expr, query.legend).map((selector) => ({ ...selector, source: query.source })));
}
