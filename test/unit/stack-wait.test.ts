import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, afterEach } from '@jest/globals';
import { etcdMemoryDir } from '../../stack/control-plane/index.js';
import { sleep, waitFor } from '../../stack/process.js';

describe('waitFor, the local stack\'s readiness wait', () => {
  it('does not time out on a check begun before the deadline, however late it answers', async () => {
    // The first check spans the deadline, as when the waiting process's event loop stalls.
    let checks = 0;
    await waitFor(async () => {
      checks += 1;
      if (checks === 1) await sleep(120);
      return checks === 2;
    }, { what: 'a server', timeoutMs: 40, intervalMs: 1 });
    expect(checks).toBe(2);
  });

  it('times out, naming what it awaited, when a check begun after the deadline fails', async () => {
    let checks = 0;
    await expect(waitFor(async () => {
      checks += 1;
      return false;
    }, { what: 'etcd', timeoutMs: 30, intervalMs: 5 })).rejects.toThrow('etcd: not ready after 0 s');
    expect(checks).toBeGreaterThan(1);
  });

  it('fails at once when the server process has exited', async () => {
    const exited = 2 ** 22 + 12345; // beyond pid_max's default, so no process has it
    await expect(waitFor(async () => false, { what: 'kube-apiserver', timeoutMs: 60_000, pid: exited }))
      .rejects.toThrow('kube-apiserver: its process exited');
  });

  it('reports a long wait while it lasts', async () => {
    const said: string[] = [];
    let checks = 0;
    await waitFor(async () => {
      checks += 1;
      return checks > 12;
    }, { what: 'Temporal dev server', timeoutMs: 60_000, intervalMs: 5, progressMs: 20, log: (m) => said.push(m) });
    expect(said.length).toBeGreaterThan(0);
    expect(said[0]).toMatch(/^still waiting for Temporal dev server \(\d+ s of at most 60 s\)$/);
  });
});

describe('etcdMemoryDir', () => {
  const before = process.env.STEWARD_MEMORY_ROOT;
  afterEach(() => {
    if (before === undefined) delete process.env.STEWARD_MEMORY_ROOT;
    else process.env.STEWARD_MEMORY_ROOT = before;
  });

  it('puts etcd\'s data in the memory root, named after the state dir\'s path', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'memory-'));
    process.env.STEWARD_MEMORY_ROOT = path.join(tmp, 'stellar-steward');
    expect(etcdMemoryDir('/var/tmp/stellar-steward/test')).toBe(path.join(tmp, 'stellar-steward', '%2Fvar%2Ftmp%2Fstellar-steward%2Ftest.etcd'));
    expect(etcdMemoryDir('/var/tmp/stellar-steward/bench')).not.toBe(etcdMemoryDir('/var/tmp/stellar-steward/test'));
  });

  it('is undefined where there is no such tmpfs, so etcd keeps its data on disk', () => {
    process.env.STEWARD_MEMORY_ROOT = '/no/such/dir/stellar-steward';
    expect(etcdMemoryDir('/var/tmp/stellar-steward/test')).toBeUndefined();
  });
});
