import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { DEFAULT_HEAP_GROWING_PERCENT, heapGrowingPercentFromEnv } from '../../worker/heap-growth.js';

describe('heapGrowingPercentFromEnv: how far the worker\'s heaps grow between full collections', () => {
  it.each<[Record<string, string>, number]>([
    [{}, DEFAULT_HEAP_GROWING_PERCENT],
    [{ STEWARD_HEAP_GROWING_PERCENT: '0' }, 0],
    [{ STEWARD_HEAP_GROWING_PERCENT: '50' }, 50],
    [{ STEWARD_HEAP_GROWING_PERCENT: '300' }, 300],
  ])('%j gives %d', (env, percent) => {
    expect(heapGrowingPercentFromEnv(env)).toBe(percent);
  });

  it.each(['-1', '301', '2.5', '20%', ''])('refuses %j, naming the variable', (text) => {
    expect(() => heapGrowingPercentFromEnv({ STEWARD_HEAP_GROWING_PERCENT: text })).toThrow(`STEWARD_HEAP_GROWING_PERCENT=${text} is not a whole number from 0 to 300`);
  });
});

// A worker thread created after the call (as the SDK's workflow thread is) keeps a steady set of objects and
// churns others that live long enough to reach the old generation; its largest heap is what V8 let grow.
const HEAP_GROWTH = fileURLToPath(new URL('../../worker/heap-growth.js', import.meta.url));
const churn = (percent: number): string => `
const { boundHeapGrowth } = await import(${JSON.stringify(HEAP_GROWTH)});
boundHeapGrowth(${percent});
const { Worker } = await import('node:worker_threads');
// The thread's code is a module too: it inherits this process's --input-type.
const thread = new Worker(\`
  import v8 from 'node:v8';
  import { parentPort } from 'node:worker_threads';
  const steady = [];
  for (let i = 0; i < 300000; i += 1) steady.push({ i, name: 'steady-' + i });
  const ring = new Array(150000);
  let largest = 0;
  for (let n = 0; n < 3000000; n += 1) {
    ring[n % ring.length] = { n, name: 'churn-' + n };
    if (n % 20000 === 0) largest = Math.max(largest, v8.getHeapStatistics().total_heap_size);
  }
  parentPort.postMessage({ largest, steady: steady.length });
\`, { eval: true });
thread.on('message', ({ largest }) => { console.log(largest); thread.terminate(); });
`;

async function largestHeap(percent: number): Promise<number> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', churn(percent)]);
  return Number(stdout.trim());
}

describe('boundHeapGrowth', () => {
  it('bounds the heap of a worker thread created after it (the workflow thread), not only the main one', async () => {
    const [unbounded, bounded] = await Promise.all([largestHeap(0), largestHeap(20)]);
    expect(unbounded).toBeGreaterThan(0);
    expect(bounded).toBeLessThan(unbounded * 0.75);
  }, 60_000);
});
