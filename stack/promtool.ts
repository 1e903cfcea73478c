import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { binDir } from './paths.js';

/** A failed `promtool` command: its exit status and what it printed (promtool reports failed tests on stdout). */
export class PromtoolError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly output: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'PromtoolError';
  }
}

/**
 * Runs the pinned `promtool` (built by `npm run setup` into the binaries cache) in `cwd` and returns its stdout.
 * Throws `PromtoolError` when it exits non-zero, and a plain error naming the fix when it is not built.
 */
export function promtool(args: string[], cwd: string): string {
  const binary = path.join(binDir(), 'promtool');
  if (!fs.existsSync(binary)) throw new Error(`${binary} does not exist: run 'npm run setup' (or 'bash stack/install/install-binaries.sh promtool')`);
  try {
    return execFileSync(binary, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const failed = error as { status?: number | null; stdout?: string; stderr?: string };
    const output = `${String(failed.stdout ?? '')}${String(failed.stderr ?? '')}`;
    throw new PromtoolError(`promtool ${args.join(' ')} failed (exit ${String(failed.status)}): ${output.trim()}`, failed.status ?? null, output, { cause: error });
  }
}
