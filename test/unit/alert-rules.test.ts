import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import YAML from 'yaml';
import { deployDir } from '../../stack/deploy.js';
import { promtool, PromtoolError } from '../../stack/promtool.js';
import { monitoringObjects, ruleGroups } from '../support/monitoring-queries.js';

// The chart's alerting rules as `helm template` renders them (default values, release stellar-steward), checked and
// unit-tested by the pinned promtool: test/alerts/stellar-steward.test.yaml has each alert firing and not firing.
const TESTS = path.resolve(deployDir(), '..', 'test', 'alerts', 'stellar-steward.test.yaml');

/** Runs promtool on the rules rendered with `set` and the test file, in a directory of their own. */
function withRules<T>(set: string[], run: (dir: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-alerts-'));
  try {
    fs.writeFileSync(path.join(dir, 'stellar-steward.rules.yaml'), YAML.stringify({ groups: ruleGroups(monitoringObjects(set)) }));
    fs.copyFileSync(TESTS, path.join(dir, 'stellar-steward.test.yaml'));
    return run(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** promtool's output of `test rules`, and whether it passed. */
function testRules(set: string[] = []): { passed: boolean; output: string } {
  return withRules(set, (dir) => {
    try {
      return { passed: true, output: promtool(['test', 'rules', 'stellar-steward.test.yaml'], dir) };
    } catch (error) {
      if (!(error instanceof PromtoolError)) throw error;
      return { passed: false, output: error.output };
    }
  });
}

describe('the chart’s alerting rules under promtool', () => {
  it('pass promtool check rules', () => {
    expect(withRules([], (dir) => promtool(['check', 'rules', 'stellar-steward.rules.yaml'], dir))).toMatch(/SUCCESS: 8 rules found/);
  });

  it('fire and stay quiet as test/alerts/stellar-steward.test.yaml expects, for every alert', () => {
    const tested = new Set([...fs.readFileSync(TESTS, 'utf8').matchAll(/alertname: (\w+)/g)].map((m) => m[1]));
    expect([...tested].sort()).toEqual(ruleGroups(monitoringObjects()).flatMap((g) => g.rules.map((r) => r.alert)).sort());
    const result = testRules();
    expect(result).toEqual({ passed: true, output: expect.stringContaining('SUCCESS') });
  });

  it('fail promtool’s test when a rule no longer fires where it should (so the test can fail)', () => {
    const result = testRules(['alerts.replicaLagLedgers=1000']);
    expect(result.passed).toBe(false);
    expect(result.output).toContain('alertname: StewardReplicaLagging');
  });
});
