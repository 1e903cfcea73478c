import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import type { KubeObject } from '../domain/pool-objects.js';
import { binDir } from './paths.js';

/** The Helm chart of the worker, its CRDs and RBAC (`deploy/helm/stellar-steward`). */
export function chartDir(): string {
  return path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'deploy', 'helm', 'stellar-steward');
}

/** A failed `helm` command: its exit status and what it printed on stderr (Helm's own message). */
export class HelmError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly stderr: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'HelmError';
  }
}

/**
 * Runs the pinned `helm` (built by `npm run setup` into the binaries cache) with its cache and config in a
 * temporary directory, so nothing of the user's Helm set-up (repositories, plugins) takes part. Returns its
 * stdout; throws `HelmError` when it exits non-zero, and a plain error naming the fix when it is not built.
 */
export function helm(args: string[], env: NodeJS.ProcessEnv = {}): string {
  const binary = path.join(binDir(), 'helm');
  if (!fs.existsSync(binary)) throw new Error(`${binary} does not exist: run 'npm run setup' (or 'bash stack/install/install-binaries.sh helm')`);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-helm-'));
  try {
    return execFileSync(binary, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, HOME: home, HELM_CACHE_HOME: home, HELM_CONFIG_HOME: home, HELM_DATA_HOME: home, ...env },
    });
  } catch (error) {
    const failed = error as { status?: number | null; stderr?: string };
    const stderr = String(failed.stderr ?? '');
    throw new HelmError(`helm ${args[0] ?? ''} failed (exit ${String(failed.status)}): ${stderr.trim()}`, failed.status ?? null, stderr, { cause: error });
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

/**
 * The objects `helm template <release> <chart> --include-crds` renders with the given `--set` values
 * (`key=value`), in the order Helm prints them. Throws `HelmError` when the chart refuses the values.
 */
export function helmTemplate(release: string, set: string[] = [], chart = chartDir()): KubeObject[] {
  const args = ['template', release, chart, '--include-crds', ...set.flatMap((value) => ['--set', value])];
  return YAML.parseAllDocuments(helm(args))
    .map((doc) => doc.toJS() as KubeObject | null)
    .filter((object): object is KubeObject => object !== null);
}
