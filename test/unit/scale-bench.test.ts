import { describe, expect, it } from '@jest/globals';
import proto from '@temporalio/proto';
import { netOfBackground, reconcileCounts, requestDelta, requestsByVerb, verbAndResource } from '../../bench/apiserver-metrics.js';
import { statCpuTicks, statusKiB } from '../../bench/proc-stats.js';
import { fleetPods, mapLimit, ScaleFleet, validatorNetworks } from '../../bench/scale-fleet.js';
import type { KubeRest } from '../../kube/rest.js';
import { serviceRange } from '../../stack/control-plane/control-plane.js';
import { scalePlan, scaleTable, type ScaleRow } from '../../bench/scale-report.js';
import { historyGrowth, passesBefore, type Reading } from '../../bench/scale-window.js';

describe('/proc readings', () => {
  it.each([
    ['a plain name', '1234 (node) S 1 1234 1234 0 -1 4194560 500 0 0 0 250 75 0 0 20 0 11 0 100 1000 200', 325],
    ['a name with spaces and parentheses', '99 (my (odd) name) R 1 99 99 0 -1 0 0 0 0 0 7 3 0 0 20 0 1 0 5 10 2', 10],
  ])('utime + stime of %s', (_, stat, ticks) => {
    expect(statCpuTicks(stat)).toBe(ticks);
  });

  it('refuses text that is not a stat line', () => {
    expect(() => statCpuTicks('not a stat')).toThrow('not a /proc/<pid>/stat line');
  });

  it.each([
    ['VmRSS', 204800],
    ['VmHWM', 307200],
  ] as const)('%s from /proc/<pid>/status in KiB', (field, kib) => {
    const status = 'Name:\tnode\nVmPeak:\t  999999 kB\nVmHWM:\t  307200 kB\nVmRSS:\t  204800 kB\nThreads:\t11\n';
    expect(statusKiB(status, field)).toBe(kib);
  });

  it('a status without the field (a zombie) reads 0', () => {
    expect(statusKiB('Name:\tnode\nState:\tZ (zombie)\n', 'VmRSS')).toBe(0);
  });
});

describe('apiserver_request_total', () => {
  const metrics = [
    '# HELP apiserver_request_total [STABLE] Counter of apiserver requests',
    '# TYPE apiserver_request_total counter',
    'apiserver_request_total{code="200",component="apiserver",dry_run="",group="apps",resource="statefulsets",scope="resource",subresource="",verb="GET",version="v1"} 40',
    'apiserver_request_total{code="404",component="apiserver",dry_run="",group="",resource="pods",scope="resource",subresource="",verb="GET",version="v1"} 2',
    'apiserver_request_total{code="200",component="apiserver",dry_run="",group="",resource="pods",scope="namespace",subresource="",verb="LIST",version="v1"} 7',
    'apiserver_request_total{code="0",component="apiserver",dry_run="",group="",resource="pods",scope="namespace",subresource="",verb="WATCH",version="v1"} 3',
    'apiserver_request_duration_seconds_bucket{verb="GET",le="0.1"} 1000',
  ].join('\n');

  it('sums the counter by verb and ignores other metrics', () => {
    expect(requestsByVerb(metrics)).toEqual({ GET: 42, LIST: 7, WATCH: 3 });
  });

  it('sums by verb and resource, subresource included', () => {
    expect(requestsByVerb(metrics, verbAndResource)).toEqual({ 'GET statefulsets': 40, 'GET pods': 2, 'LIST pods': 7, 'WATCH pods': 3 });
    expect(verbAndResource({ verb: 'PUT', resource: 'pods', subresource: 'status' })).toBe('PUT pods/status');
    expect(verbAndResource({ verb: 'GET', resource: '' })).toBe('GET non-resource');
  });

  it('leaves WATCH out of a delta keyed by verb and resource too', () => {
    expect(requestDelta({ 'WATCH pods': 1, 'GET pods': 1 }, { 'WATCH pods': 5, 'GET pods': 4 })).toEqual({ 'GET pods': 3 });
  });

  it.each([
    ['counts what was added, WATCH left out', { GET: 42, LIST: 7, WATCH: 3 }, { GET: 50, LIST: 7, WATCH: 9, PATCH: 2 }, { GET: 8, PATCH: 2 }],
    ['nothing added', { GET: 1 }, { GET: 1 }, {}],
  ])('delta: %s', (_, before, after, delta) => {
    expect(requestDelta(before, after)).toEqual(delta);
  });

  it.each([
    ['takes the background rate times the window off each verb', { GET: 100, PUT: 12 }, { PUT: 0.2 }, 60, { GET: 100 }],
    ['keeps what exceeds the background', { PUT: 20 }, { PUT: 0.2 }, 60, { PUT: 8 }],
    ['no background: unchanged', { LIST: 3 }, {}, 60, { LIST: 3 }],
  ])('net of background: %s', (_, delta, background, seconds, net) => {
    expect(netOfBackground(delta, background, seconds)).toEqual(net);
  });
});

describe('iterations in the steady window, from the worker metric', () => {
  it('adds up the iteration counts of every series by kind, and ignores the buckets and sums', () => {
    const text = [
      '# TYPE steward_reconcile_duration histogram',
      'steward_reconcile_duration_bucket{kind="readonlypool",le="50",taskQueue="q"} 7',
      'steward_reconcile_duration_count{kind="readonlypool",namespace="default",taskQueue="q",workflow_type="readOnlyPoolWorkflow"} 12',
      'steward_reconcile_duration_count{kind="readonlypool",namespace="default",taskQueue="other",workflow_type="readOnlyPoolWorkflow"} 3',
      'steward_reconcile_duration_count{kind="tenant",taskQueue="q"} 4',
      'steward_reconcile_duration_sum{kind="tenant",taskQueue="q"} 400',
      'steward_kube_requests_total{verb="GET",resource="pods"} 9',
    ].join('\n');
    expect(reconcileCounts(text)).toEqual({ readonlypool: 15, tenant: 4 });
  });

  it('reads nothing from an exposition without the histogram', () => {
    expect(reconcileCounts('steward_kube_requests_total{verb="GET"} 1\n')).toEqual({});
  });
});

describe('history growth of the sample', () => {
  const { temporal } = proto;
  const event = (id: number): proto.temporal.api.history.v1.IHistoryEvent => ({ eventType: temporal.api.enums.v1.EventType.EVENT_TYPE_TIMER_FIRED, timerFiredEventAttributes: { timerId: `timer-${id}` } });
  const size = (id: number): number => temporal.api.history.v1.HistoryEvent.encode(event(id)).finish().length;

  it('counts the events added to the same run, their encoded bytes, and the sample’s iterations', () => {
    const before = new Map([['p', { iterations: 4, atMs: 0, runId: 'r1', events: [event(1), event(2)] }]]);
    const after = new Map([['p', { iterations: 6, atMs: 10, runId: 'r1', events: [event(1), event(2), event(3), event(4)] }]]);
    expect(historyGrowth(before, after)).toEqual({ events: 2, bytes: size(3) + size(4), iterations: 2, skipped: 0, continued: 0 });
    expect(size(3)).toBeGreaterThan(0);
  });

  it('skips a workflow whose run changed when the runs in between are not known, and ignores workflows outside the sample', () => {
    const before = new Map<string, Reading>([['p', { iterations: 4, atMs: 0, runId: 'r1', events: [event(1)] }], ['q', { iterations: 1, atMs: 0 }]]);
    const after = new Map<string, Reading>([['p', { iterations: 5, atMs: 10, runId: 'r2', events: [event(1)] }], ['q', { iterations: 3, atMs: 10 }]]);
    expect(historyGrowth(before, after)).toEqual({ events: 0, bytes: 0, iterations: 0, skipped: 1, continued: 0 });
  });

  it('follows continue-as-new: the rest of the first run, every ended run, and the current run', () => {
    const before = new Map<string, Reading>([['p', { iterations: 4, atMs: 0, runId: 'r1', events: [event(1), event(2)] }]]);
    const endedRuns = [
      { runId: 'r1', events: [event(1), event(2), event(3)], iterations: 5 },
      { runId: 'r2', events: [event(4), event(5)], iterations: 2 },
    ];
    const after = new Map<string, Reading>([['p', { iterations: 1, atMs: 10, runId: 'r3', events: [event(6)], endedRuns }]]);
    const bytes = [3, 4, 5, 6].reduce((sum, id) => sum + size(id), 0);
    expect(historyGrowth(before, after)).toEqual({ events: 4, bytes, iterations: 1 + 2 + 1, skipped: 0, continued: 2 });
  });

  it('counts a run\'s own passes when its query counts from the workflow\'s start (its input\'s passesBefore)', () => {
    const started = (passes: number): proto.temporal.api.history.v1.IHistoryEvent => ({
      eventType: temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
      workflowExecutionStartedEventAttributes: { input: { payloads: [{ data: Buffer.from(JSON.stringify({ name: 'p', passesBefore: passes })) }] } },
    });
    const before = new Map<string, Reading>([['p', { iterations: 24, atMs: 0, runId: 'r1', events: [started(0), event(1)] }]]);
    const endedRuns = [
      { runId: 'r1', events: [started(0), event(1), event(2)], iterations: 25 },
      { runId: 'r2', events: [started(25), event(3)], iterations: 50 },
    ];
    const after = new Map<string, Reading>([['p', { iterations: 52, atMs: 10, runId: 'r3', events: [started(50), event(4)], endedRuns }]]);
    expect(historyGrowth(before, after).iterations).toBe(1 + 25 + 2);
    expect(passesBefore([event(1)])).toBe(0);
  });

  it('skips a workflow whose ended runs do not begin with the run read first', () => {
    const before = new Map<string, Reading>([['p', { iterations: 4, atMs: 0, runId: 'r1', events: [event(1)] }]]);
    const after = new Map<string, Reading>([['p', { iterations: 1, atMs: 10, runId: 'r3', events: [event(6)], endedRuns: [{ runId: 'r2', events: [event(4)], iterations: 2 }] }]]);
    expect(historyGrowth(before, after).skipped).toBe(1);
  });
});

describe('the scale command line', () => {
  it.each([
    ['defaults', [], { pools: [100, 300, 1000], intervals: [60, 60, 60], steadyIterations: 3, specSamples: 20, mix: false, smoke: false }],
    ['smoke', ['--smoke'], { pools: [5], intervals: [3], steadyIterations: 2, specSamples: 2, mix: false, smoke: true }],
    ['one interval per count, mix', ['--pools', '100,300', '--interval', '30,90', '--steady-iterations', '4', '--mix'], { pools: [100, 300], intervals: [30, 90], steadyIterations: 4, specSamples: 20, mix: true, smoke: false }],
    ['smoke with more pools', ['--smoke', '--pools', '8'], { pools: [8], intervals: [3], steadyIterations: 2, specSamples: 2, mix: false, smoke: true }],
  ])('%s', (_, argv, plan) => {
    expect(scalePlan(argv)).toEqual(plan);
  });

  it.each([
    [['--pools', '100,x'], '--pools x'],
    [['--pools', '0'], '--pools 0'],
    [['--pools', '1,2,3', '--interval', '10,20'], 'one per pool count (3)'],
    [['--steady-iterations', '1.5'], '--steady-iterations 1.5'],
  ])('refuses %j', (argv, message) => {
    expect(() => scalePlan(argv)).toThrow(message);
  });
});

describe('the scale fleet and table', () => {
  it.each([
    [0, []],
    [10, [10]],
    [25, [10, 10, 5]],
  ])('%i validators in sets of 10', (validators, sizes) => {
    const sets = validatorNetworks('ns', validators);
    expect(sets.map((set) => set.names.length)).toEqual(sizes);
    expect(new Set(sets.flatMap((set) => set.names)).size).toBe(validators);
    expect(new Set(sets.map((set) => set.network)).size).toBe(sets.length);
  });

  it.each([
    ['everything up, pools not all Ready (a replica not fresh for a pass)', { poolsReady: 280, statefulSetsReady: 500, statefulSets: 500, podsServed: 400 }, true],
    ['a StatefulSet not ready yet', { poolsReady: 300, statefulSetsReady: 499, statefulSets: 500, podsServed: 400 }, false],
    ['a stellar-core pod the simulator does not serve yet', { poolsReady: 300, statefulSetsReady: 500, statefulSets: 500, podsServed: 399 }, false],
  ])('settled: %s', (_, progress, settled) => {
    const fleet = new ScaleFleet({} as KubeRest, 'ns', { pools: 300, tenants: 100, validators: 100 }, { intervalSeconds: 60, archiveUrl: '', simulatorUrl: '' });
    expect(fleet.settled(progress)).toBe(settled);
  });

  it('the stack has a Service address for every pool of the largest run, and keeps the old range inside', () => {
    const [base, bits] = serviceRange(7).cidr.split('/');
    expect(2 ** (32 - Number(bits)) - 2).toBeGreaterThanOrEqual(1000 + 200);
    expect(base).toBe('127.7.240.0');
    expect(Number(bits)).toBe(20); // 127.7.240.0-127.7.255.255 holds the former 127.7.250.0/24
  });

  it('counts one pod per pool, tenant and validator', () => {
    expect(fleetPods({ pools: 300, tenants: 100, validators: 100 })).toBe(500);
  });

  it('mapLimit keeps order and never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const results = await mapLimit([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5 * (8 - n)));
      running -= 1;
      return n * 10;
    });
    expect(results).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(most).toBe(3);
  });

  it('prints one row per run with the figures per iteration', () => {
    const row: ScaleRow = {
      pools: 300, mix: true, intervalSeconds: 60, iterations: 1500, cpuMs: { worker: 41.25, apiserver: 12 }, workerRssMiB: { peak: 700.4, end: 650 },
      historyEvents: 17, historyBytes: 16 * 1024, apiRequests: 6.5, apiByVerb: { LIST: 2.5, GET: 4 }, workerApiByVerb: { UPDATE: 0.05, GET: 0.05 }, specChange: { p50: 300, p99: 1200.4, samples: 20 },
    };
    const table = scaleTable([row]).split('\n');
    expect(table).toHaveLength(3);
    expect(table[2]).toBe('| 300 + 100 tenants + 100 validators | 60 s | 1500 | 41.3 ms | n/a | 12.0 ms | 700 / 650 MiB | 17.0 events, 16.0 KiB | 6.5 (GET 4.0, LIST 2.5) | 0.1 (GET 0.1, UPDATE 0.1) | 300 / 1200 ms (n=20) |');
    expect(scaleTable([{ ...row, workerApiByVerb: undefined }]).split('\n')[2]).toContain('| 6.5 (GET 4.0, LIST 2.5) | n/a |');
  });
});
