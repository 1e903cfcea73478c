// The README's kubectl lines, run as a user runs them: every `kubectl` line of the code blocks of the resource
// sections (ReadOnlyPool up to Benchmarks), in order, through the PATH/KUBECONFIG line `steward stack status`
// prints, with a worker running. A README change is tested: the lines are read from README.md at run time.
// `kubectl get` of a Steward kind must print the CRD's printer columns with the values of each resource's
// status (real values: settled by the worker); `kubectl describe` must show the resource's conditions and Events.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import YAML from 'yaml';
import { WorkerProcess } from '../../bench/worker-process.js';
import { demoResources } from '../../starter/demo/resources.js';
import { demoNames, kubectlTryLines } from '../../starter/kubectl-lines.js';
import { describedConditions, describedEvents, parseTable, printedValue, readmeKubectlLines, type PrinterColumn } from '../support/kubectl-output.js';
import { kube, stack, uniqueName } from './support.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', '..');
const STEWARD = path.join(ROOT, 'bin', 'steward.js');
const NS = 'stellar';
const LINES = readmeKubectlLines(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'), 'ReadOnlyPool', 'Benchmarks');
/** The lines `steward demo` prints to try; the demo's resources carry the examples' names, which the README lines apply. */
const DEMO_LINES = kubectlTryLines(demoNames(demoResources('https://127.0.0.1:1', undefined)));
/** Kinds whose example must have recorded an Event by the time `kubectl describe` shows it (unreachable replicas). */
const KINDS_WITH_EVENTS = ['postgresreplicasets'];

interface Crd {
  group: string;
  version: string;
  plural: string;
  names: string[];
  columns: PrinterColumn[];
}

interface KubeObject {
  metadata: { name: string; namespace?: string; uid: string; generation?: number; finalizers?: string[] };
  status?: { observedGeneration?: number; conditions?: { type: string; status: string; reason?: string }[] };
}

/** Our CRDs by every name kubectl accepts for them (plural, singular, kind, short names). */
function loadCrds(): Map<string, Crd> {
  const byName = new Map<string, Crd>();
  for (const file of fs.readdirSync(path.join(ROOT, 'crds')).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')) {
    const doc = YAML.parse(fs.readFileSync(path.join(ROOT, 'crds', file), 'utf8')) as {
      spec: { group: string; names: { plural: string; singular?: string; kind: string; shortNames?: string[] }; versions: { name: string; served: boolean; additionalPrinterColumns?: PrinterColumn[] }[] };
    };
    const version = doc.spec.versions.find((v) => v.served)!;
    const n = doc.spec.names;
    const names = [n.plural, n.singular ?? '', n.kind.toLowerCase(), ...(n.shortNames ?? [])].filter(Boolean);
    const crd = { group: doc.spec.group, version: version.name, plural: n.plural, names, columns: version.additionalPrinterColumns ?? [] };
    for (const name of names) byName.set(name, crd);
  }
  return byName;
}

const CRDS = loadCrds();

function objectUrl(crd: Crd, namespace: string, name?: string): string {
  return `/apis/${crd.group}/${crd.version}/namespaces/${namespace}/${crd.plural}${name ? `/${name}` : ''}`;
}

interface Run {
  code: number;
  out: string;
  err: string;
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: ROOT, env, timeout: 60_000, maxBuffer: 8 * 1024 * 1024 }, (error, out, err) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, out, err });
    });
  });
}

/** Polls `check` once a second until it reports no problem; returns the last problems (empty: done). */
async function untilNoProblems(check: () => Promise<string[]>, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let problems = await check();
  while (problems.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    problems = await check();
  }
  return problems;
}

/** The value of `-n`/`--namespace`, and whether `-A` was given. */
function scope(args: string[]): { namespace: string; all: boolean } {
  const at = args.findIndex((a) => a === '-n' || a === '--namespace');
  return { namespace: at >= 0 ? args[at + 1]! : 'default', all: args.includes('-A') || args.includes('--all-namespaces') };
}

function outputFormat(args: string[]): string | undefined {
  const at = args.indexOf('-o');
  return at >= 0 ? args[at + 1] : args.find((a) => a.startsWith('-o'))?.slice(2);
}

/** What a `kubectl get <our kind>` table shows that differs from the CRD's columns and the resources' status. */
async function tableProblems(output: string, crd: Crd, args: string[]): Promise<string[]> {
  const { namespace, all } = scope(args);
  const wide = outputFormat(args) === 'wide';
  const columns = crd.columns.filter((c) => wide || !c.priority);
  const rows = parseTable(output);
  const header = [...(all ? ['NAMESPACE'] : []), 'NAME', ...columns.map((c) => c.name.toUpperCase())];
  const problems: string[] = [];
  if (!rows.some((row) => (row.NAMESPACE ?? namespace) === NS)) problems.push(`no ${crd.plural} row in namespace ${NS}`);
  for (const row of rows) {
    const ns = row.NAMESPACE ?? namespace;
    if (Object.keys(row).join('|') !== header.join('|')) problems.push(`header ${Object.keys(row).join('|')}, expected ${header.join('|')}`);
    const object = await kube().getOptional<KubeObject>(objectUrl(crd, ns, row.NAME!));
    if (!object) continue; // deleted between the two reads
    if (ns === NS && object.status?.observedGeneration !== object.metadata.generation) problems.push(`${ns}/${row.NAME} not settled yet`);
    for (const column of columns) {
      const cell = row[column.name.toUpperCase()] ?? '';
      if (column.type === 'date') {
        if (!/^\d+[smhdy]/.test(cell)) problems.push(`${ns}/${row.NAME} ${column.name} '${cell}' is not an age`);
        continue;
      }
      const value = printedValue(object, column.jsonPath);
      // Other namespaces hold other tests' resources, still changing between kubectl's read and ours:
      // only their shape is checked. This test's own resources are settled.
      if (ns !== NS) continue;
      if (cell !== value) problems.push(`${ns}/${row.NAME} ${column.name} shows '${cell}', the object holds '${value}'`);
      if (ns === NS && column.jsonPath.startsWith('.status') && value === '<none>') problems.push(`${ns}/${row.NAME} ${column.name} has no value yet`);
    }
  }
  return problems;
}

/** What `kubectl describe <our kind> <name>` shows that differs from the object's conditions and its Events. */
async function describeProblems(output: string, crd: Crd, args: string[]): Promise<string[]> {
  const name = args[3]!;
  const { namespace } = scope(args);
  const object = await kube().getOptional<KubeObject>(objectUrl(crd, namespace, name));
  if (!object) return [`${crd.plural} ${namespace}/${name} does not exist`];
  const problems: string[] = [];
  if (!new RegExp(`^Name:\\s+${name}$`, 'm').test(output)) problems.push(`no 'Name: ${name}' line`);
  const conditions = object.status?.conditions ?? [];
  if (conditions.length === 0) problems.push('the object has no conditions yet');
  const shown = describedConditions(output).map((c) => `${c.Type}=${c.Status} ${c.Reason ?? ''}`.trim()).sort();
  const held = conditions.map((c) => `${c.type}=${c.status} ${c.reason ?? ''}`.trim()).sort();
  if (shown.join(', ') !== held.join(', ')) problems.push(`conditions shown [${shown.join(', ')}], the object holds [${held.join(', ')}]`);
  const events = await kube().request<{ items: { reason: string }[] }>('GET', `/api/v1/namespaces/${namespace}/events`, { query: { fieldSelector: `involvedObject.uid=${object.metadata.uid}` } });
  const shownReasons = [...new Set(describedEvents(output).map((e) => e.Reason ?? ''))].sort();
  const heldReasons = [...new Set(events.items.map((e) => e.reason))].sort();
  if (shownReasons.join(',') !== heldReasons.join(',')) problems.push(`events shown [${shownReasons.join(', ')}], recorded [${heldReasons.join(', ')}]`);
  if (KINDS_WITH_EVENTS.includes(crd.plural) && heldReasons.length === 0) problems.push('no Event recorded yet');
  return problems;
}

const STEWARD_PLURALS = [...new Set([...CRDS.values()])];

/** Deletes every Steward resource an earlier test left in the namespace (finalizers included), so the lines start from nothing. */
async function removeLeftovers(): Promise<void> {
  const urls: string[] = [];
  for (const crd of STEWARD_PLURALS) {
    const list = await kube().request<{ items: KubeObject[] }>('GET', objectUrl(crd, NS));
    for (const item of list.items) {
      const url = objectUrl(crd, NS, item.metadata.name);
      if (item.metadata.finalizers?.length) await kube().mergePatch(url, { metadata: { finalizers: null } });
      await kube().delete(url);
      urls.push(url);
    }
  }
  await untilNoProblems(async () => (await Promise.all(urls.map((url) => kube().getOptional(url)))).filter(Boolean).map(() => 'left'), 60_000);
}

describe("the README's kubectl lines run on the local stack and show the resources' state", () => {
  let envLine = '';
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    const status = await run(process.execPath, [STEWARD, 'stack', 'status', '--name', stack().stateDir]);
    envLine = /^export PATH=.*KUBECONFIG=.*$/m.exec(status.out)?.[0] ?? '';
    await removeLeftovers();
    process.env.STEWARD_CLUSTER = uniqueName('readme');
    worker = new WorkerProcess({
      temporalAddress: stack().temporal.address,
      temporalNamespace: stack().temporal.namespace,
      kubeconfigPath: path.join(stack().stateDir, 'worker-kubeconfig.yaml'),
      taskQueue: uniqueName('readme-queue'),
      namespace: NS,
      logFile: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'readme-kubectl-')), 'worker.log'),
    });
    worker.start();
    await worker.ready();
  });

  afterAll(async () => {
    // Delete while the worker still runs, so the replica set's finalizer is honoured, then stop it.
    await removeLeftovers().catch(() => undefined);
    await worker?.stop();
    delete process.env.STEWARD_CLUSTER;
  });

  /** Runs a README line as a user would: in the repository root, after pasting the stack's line. */
  function shell(command: string): Promise<Run> {
    const env = { ...process.env };
    delete env.KUBECONFIG;
    return run('bash', ['-c', `set -eo pipefail\n${envLine}\n${command}`], env);
  }

  it("'steward stack status' prints a PATH/KUBECONFIG line whose kubectl is the pinned version and reaches the stack", async () => {
    expect(envLine).not.toBe('');
    const pinned = /^KUBERNETES_VERSION="(v[\d.]+)"$/m.exec(fs.readFileSync(path.join(ROOT, 'stack', 'install', 'install-binaries.sh'), 'utf8'))?.[1];
    const version = await shell('kubectl version');
    expect(version.err).toBe('');
    expect(version.out).toContain(`Client Version: ${pinned}`);
    expect(version.out).toContain(`Server Version: ${pinned}`);
  });

  it('finds kubectl lines in every resource section', () => {
    expect([...new Set(LINES.map((l) => l.section))]).toEqual(['ReadOnlyPool', 'Validator set (StellarNode)', 'Tenant (RustFS storage pools)', 'PostgreSQL read replicas']);
  });

  it.each([...LINES.map((line) => [line.section, line.command]), ...DEMO_LINES.map((command) => ['the demo prints', command])])('%s: %s', async (_section, command) => {
    const args = command.split(/\s+/);
    const crd = (args[1] === 'get' || args[1] === 'describe') && !outputFormat(args)?.match(/yaml|json|name/) ? CRDS.get(args[2]!) : undefined;
    const problems = await untilNoProblems(async () => {
      const result = await shell(command);
      if (result.code !== 0) return [`exit ${result.code}: ${result.err}`];
      if (!crd) return result.out.trim() === '' ? ['printed nothing'] : [];
      return args[1] === 'get' ? tableProblems(result.out, crd, args) : describeProblems(result.out, crd, args);
    }, 150_000);
    expect(problems).toEqual([]);
  }, 200_000);
});
