import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { uniqueName } from './support.js';

// Every benchmark in bench/ runs here in its smoke mode (small sizes, no figure asserted) against the
// suite's stack (STEWARD_STACK_DIR), so a benchmark that no longer runs fails `npm test`. A file of
// bench/ that exports something is a helper; every other one is a benchmark script and is run. `chaos` has
// its short run in chaos.test.ts: it kills workers and restarts servers, so it needs a stack of its own.
const OWN_SMOKE_TEST: Record<string, string> = { 'chaos.js': 'chaos.test.ts' };
const BENCH_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../bench');
const SMOKE_TIMEOUT_MS = 110_000;

function benchmarks(): string[] {
  return fs.readdirSync(BENCH_DIR)
    .filter((file) => file.endsWith('.js'))
    .filter((file) => !/^export /m.test(fs.readFileSync(path.join(BENCH_DIR, file), 'utf8')))
    .filter((file) => !OWN_SMOKE_TEST[file])
    .sort();
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

function runSmoke(file: string, env: NodeJS.ProcessEnv): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(BENCH_DIR, file), '--smoke'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), SMOKE_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, seconds: (Date.now() - started) / 1000 });
    });
  });
}

describe('benchmarks in smoke mode against the suite stack', () => {
  it('finds the benchmarks', () => {
    expect(benchmarks()).toEqual(expect.arrayContaining(['pool-reconcile.js', 'router-overhead.js', 'scale.js', 'shard-movement.js', 'validator-convergence.js']));
  });

  it.each(benchmarks())('%s --smoke runs to the end', async (file) => {
    // router-overhead starts (and stops) a PostgreSQL stack of its own, under a name no one else uses.
    const env = { ...process.env, BENCH_STACK: uniqueName('bench-smoke') };
    const run = await runSmoke(file, env);
    if (run.code !== 0) {
      throw new Error(`${file} --smoke exited ${run.code} after ${run.seconds.toFixed(1)} s\n--- stdout\n${run.stdout.slice(-3000)}\n--- stderr\n${run.stderr.slice(-3000)}`);
    }
    expect(run.stdout.trim().length).toBeGreaterThan(0);
    console.log(`[bench-smoke] ${file}: ${run.seconds.toFixed(1)} s\n${run.stdout.trim()}`);
  }, SMOKE_TIMEOUT_MS + 10_000);
});
