import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { syncedReadinessProbe, SYNCED_PROBE_SCRIPT } from '../../domain/readiness-probe.js';
import type { SimPod } from '../../stack/simulator/node-state.js';
import type { PodRecord } from '../../stack/simulator/pod-record.js';
import { staticPodSource } from '../../stack/simulator/pod-source.js';
import { nextTrack, parseReadinessProbe, probeDue, probePasses, type ProbeTiming, type ReadinessProbe } from '../../stack/simulator/readiness.js';
import { answerCore } from '../../stack/simulator/responses.js';
import { parseScenario } from '../../stack/simulator/scenario.js';
import { startSimulatorWith, type SimulatorHandle } from '../../stack/simulator/server.js';

// The simulator playing the kubelet's prober: the Steward's readiness probe judged against simulated nodes.
const TESTNET = 'Test SDF Network ; September 2015';
const clock = { epochMs: 1_700_000_000_000, ledgerIntervalMs: 200 };
const NOW = clock.epochMs + 10_000;
const probe = parseReadinessProbe(syncedReadinessProbe()) as Extract<ReadinessProbe, { kind: 'http-grep' }>;

function pod(scenarioText: string): SimPod {
  return { key: 'ns/pool-0', uid: 'uid-0', ip: '127.1.0.7', network: TESTNET, scenarioText, scenario: parseScenario(scenarioText).scenario, scenarioSinceMs: clock.epochMs, startedOnMs: clock.epochMs };
}

describe('parseReadinessProbe', () => {
  it('understands the Steward probe: port, path, pattern and timing (curl --max-time bounds the timeout)', () => {
    expect(probe).toEqual(expect.objectContaining({ kind: 'http-grep', port: 11626, path: '/info', timing: { periodMs: 5000, timeoutMs: 2000, successThreshold: 1, failureThreshold: 2 } }));
  });

  it.each([
    ['no probe', 'none', undefined],
    ['an httpGet probe', 'unsupported', { httpGet: { path: '/info', port: 11626 } }],
    ['another script', 'unsupported', { exec: { command: ['/bin/sh', '-c', 'stellar-core http-command info'] } }],
    ['a script with trailing commands', 'unsupported', { exec: { command: ['/bin/sh', '-c', `${SYNCED_PROBE_SCRIPT}; true`] } }],
  ])('reads %s as %s', (_name, kind, spec) => {
    expect(parseReadinessProbe(spec).kind).toBe(kind);
  });
});

describe('the Steward probe against simulated nodes', () => {
  it.each([
    ['synced', true],
    ['lagging:20', true],
    ['stalled', true],
    ['catching-up', false],
    ['booting', false],
    ['wrong-network', true],
    // grep finds the text in the truncated body: the probe passes; the worker's JSON parse is what catches it.
    ['garbage', true],
  ])('a %s node passes: %s', (scenario, passes) => {
    const answer = answerCore(probe.path, pod(scenario), NOW, clock);
    expect(probePasses(probe, { answered: true, status: answer.status, body: answer.body })).toBe(passes);
  });

  it('fails without an answer and on an HTTP error (curl -f)', () => {
    expect(probePasses(probe, { answered: false })).toBe(false);
    expect(probePasses(probe, { answered: true, status: 404, body: '"state" : "Synced!"' })).toBe(false);
  });
});

describe('kubelet thresholds', () => {
  const timing: ProbeTiming = { periodMs: 5000, timeoutMs: 2000, successThreshold: 1, failureThreshold: 2 };
  const run = (results: boolean[]): boolean[] => {
    let track: ReturnType<typeof nextTrack> | undefined;
    return results.map((passed, i) => (track = nextTrack(track, passed, timing, i * 5000)).ready);
  };
  it.each([
    ['starts not ready until a pass', [false, true], [false, true]],
    ['stays ready after one failure, leaves after two in a row', [true, false, true, false, false], [true, true, true, true, false]],
    ['returns on the first pass', [true, false, false, true], [true, true, false, true]],
  ])('%s', (_name, results, ready) => {
    expect(run(results)).toEqual(ready);
  });

  it('runs a probe on first sight and then once per period', () => {
    expect(probeDue(undefined, timing, 0)).toBe(true);
    expect(probeDue({ ready: true, successes: 1, failures: 0, lastMs: 1000 }, timing, 5999)).toBe(false);
    expect(probeDue({ ready: true, successes: 1, failures: 0, lastMs: 1000 }, timing, 6000)).toBe(true);
  });
});

describe('the simulator writing Ready', () => {
  // A fast probe (1 s period, one failure) so the test needs no long waits.
  const fastProbe = { ...syncedReadinessProbe(), periodSeconds: 1, failureThreshold: 1 };
  const records: PodRecord[] = [
    { key: 'ns/pool-0', uid: 'r-a', ip: '127.80.0.1', network: TESTNET, readinessProbe: fastProbe, ready: false },
    { key: 'ns/pool-1', uid: 'r-b', ip: '127.80.0.2', network: TESTNET, readinessProbe: fastProbe, ready: false, scenarioText: 'catching-up' },
    { key: 'ns/tenant-0', uid: 'r-c', ip: '127.80.0.3', network: TESTNET },
    // Slower than the probe's 2 s (curl --max-time), and nothing listening: both time out, never Ready.
    { key: 'ns/pool-2', uid: 'r-d', ip: '127.80.0.4', network: TESTNET, readinessProbe: fastProbe, ready: true, scenarioText: 'slow:3000' },
    { key: 'ns/pool-3', uid: 'r-e', ip: '127.80.0.5', network: TESTNET, readinessProbe: fastProbe, ready: true, scenarioText: 'unreachable' },
  ];
  const source = staticPodSource(records);
  let sim: SimulatorHandle;
  const readyOf = (key: string): boolean | undefined => sim.pods().find((p) => p.key === key)?.ready;
  const until = async (check: () => boolean): Promise<void> => {
    for (let i = 0; i < 100 && !check(); i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
  };

  beforeAll(async () => {
    sim = await startSimulatorWith({ podSource: source, ledgerIntervalMs: 200 });
    await sim.settled();
    await until(() => readyOf('ns/pool-0') === true && readyOf('ns/tenant-0') === true && readyOf('ns/pool-2') === false && readyOf('ns/pool-3') === false);
  });

  afterAll(async () => {
    await sim.stop();
  });

  it('makes a synced pod and a pod without a probe Ready; catching-up, too slow and unreachable pods not Ready', () => {
    expect(['ns/pool-0', 'ns/pool-1', 'ns/tenant-0', 'ns/pool-2', 'ns/pool-3'].map(readyOf)).toEqual([true, false, true, false, false]);
  });

  it('follows the scenario: a pod that starts catching up loses Ready, and regains it once synced', async () => {
    const withScenario = (text: string): PodRecord[] => sim.pods().map((p) => {
      const record = records.find((r) => r.uid === p.uid) as PodRecord;
      return { ...record, ready: p.ready, scenarioText: p.uid === 'r-a' ? text : record.scenarioText };
    });
    source.set(withScenario('catching-up'));
    await until(() => readyOf('ns/pool-0') === false);
    expect(readyOf('ns/pool-0')).toBe(false);
    source.set(withScenario('synced'));
    await until(() => readyOf('ns/pool-0') === true);
    expect(readyOf('ns/pool-0')).toBe(true);
  });
});
