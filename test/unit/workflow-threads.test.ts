import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { workerNodeArgs } from '../../worker/entry-point.js';

const run = promisify(execFile);
const [, preload = '', main = ''] = workerNodeArgs();

/** Tries to install a promise hook, as the SDK's vm-shared.js does, and says what happened. */
const TRY_HOOK = `module.exports = () => {
  try { require('node:v8').promiseHooks.createHook({ init() {} })(); return 'installed'; }
  catch (error) { console.warn('v8.promiseHooks.createHook is not available; stack trace collection will be disabled.'); return error.message; }
};`;

/**
 * A process started with the preload: its main thread and a worker thread each try the hook from a file
 * at the SDK's path and from another file. Prints `{ main, thread }` and returns it with stderr.
 */
async function hooksWithPreload(dir: string, env: Record<string, string>): Promise<{ tried: unknown; stderr: string }> {
  const { stdout, stderr } = await run(process.execPath, ['--require', preload, path.join(dir, 'main.js')], { env: { PATH: process.env.PATH, ...env } });
  return { tried: JSON.parse(stdout) as unknown, stderr };
}

describe('the workflow threads\' preload (worker/workflow-threads.cts)', () => {
  let dir: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-threads-'));
    const sdk = path.join(dir, 'node_modules', '@temporalio', 'worker', 'lib', 'workflow');
    fs.mkdirSync(sdk, { recursive: true });
    fs.writeFileSync(path.join(sdk, 'vm-shared.js'), TRY_HOOK);
    fs.writeFileSync(path.join(dir, 'other.js'), TRY_HOOK);
    const tryBoth = "({ sdk: require('./node_modules/@temporalio/worker/lib/workflow/vm-shared.js')(), other: require('./other.js')() })";
    fs.writeFileSync(path.join(dir, 'thread.js'), `require('node:worker_threads').parentPort.postMessage(${tryBoth});`);
    fs.writeFileSync(path.join(dir, 'main.js'), `const { Worker } = require('node:worker_threads');
const main = ${tryBoth};
new Worker(require('node:path').join(__dirname, 'thread.js')).once('message', (thread) => console.log(JSON.stringify({ main, thread })));`);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses the SDK\'s stack-trace hook in worker threads by default, serves every other caller, and keeps the SDK\'s warning out', async () => {
    const { tried, stderr } = await hooksWithPreload(dir, {});
    expect(tried).toEqual({
      main: { sdk: 'installed', other: 'installed' },
      thread: { sdk: 'workflow stack traces are off (STEWARD_WORKFLOW_STACK_TRACES)', other: 'installed' },
    });
    expect(stderr).toBe('');
  });

  it('leaves the hook alone with STEWARD_WORKFLOW_STACK_TRACES=on', async () => {
    const { tried } = await hooksWithPreload(dir, { STEWARD_WORKFLOW_STACK_TRACES: 'on' });
    expect(tried).toEqual({ main: { sdk: 'installed', other: 'installed' }, thread: { sdk: 'installed', other: 'installed' } });
  });

  it.each([
    ['the preload refused its value', [preload, main], 'yes', 'STEWARD_WORKFLOW_STACK_TRACES=yes is neither on nor off'],
    ['it asks for off without the preload', [main], 'off', 'STEWARD_WORKFLOW_STACK_TRACES=off needs the worker started as the image starts it'],
  ])('the worker stops at start, naming the variable, when %s', async (_case, files, value, message) => {
    const args = files.flatMap((file) => (file === preload ? ['--require', file] : [file]));
    const exited = await run(process.execPath, args, { env: { PATH: process.env.PATH, STEWARD_WORKFLOW_STACK_TRACES: value, STEWARD_LOG_FORMAT: 'json' } })
      .then(() => ({ code: 0, stderr: '' }), (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }));
    expect(exited.code).toBe(1);
    expect(exited.stderr).toContain(message);
  });
});
