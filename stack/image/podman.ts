import path from 'node:path';
import { CommandError, runCommand, type RunOptions } from './command.js';

/** The podman settings every `steward image` command uses (runc, cgroupfs, no default ulimits). */
export const CONTAINERS_CONF = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', '..', 'stack', 'image', 'containers.conf');

/** The environment podman runs with: this process's, with CONTAINERS_CONF pointing at the project's settings. */
export function podmanEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, CONTAINERS_CONF };
}

/** Runs podman with the project's settings (see `runCommand`). */
export function podman(args: readonly string[], options: Omit<RunOptions, 'env'> = {}): Promise<string> {
  return runCommand('podman', args, { ...options, env: podmanEnv() });
}

/**
 * Why podman cannot run containers on this machine, or undefined when it can: podman is not installed, or
 * `podman info` fails with the project's settings (no runc, no storage driver, not permitted, ...).
 */
export async function podmanProblem(): Promise<string | undefined> {
  try {
    const runtime = await podman(['info', '--format', '{{.Host.OCIRuntime.Name}}']);
    if (runtime.trim() !== 'runc') return `podman uses the OCI runtime '${runtime.trim()}', not runc as ${CONTAINERS_CONF} asks`;
    return undefined;
  } catch (error) {
    if (error instanceof CommandError && error.exitCode === null) return `podman is not installed (run 'npm run setup -- podman' as root, or 'apt-get install podman runc debootstrap')`;
    return `podman cannot run here: ${(error as Error).message}`;
  }
}
