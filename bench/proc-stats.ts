// CPU time and memory of a process from /proc (Linux): how the scale benchmark measures the worker, the
// Temporal dev server and kube-apiserver from outside, whatever their code does.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/** One reading of a process. */
export interface ProcSample {
  /** User plus system CPU time since the process started, in milliseconds. */
  cpuMs: number;
  /** Resident set size now (VmRSS), in KiB. */
  rssKiB: number;
  /** Highest resident set size since the process started (VmHWM), in KiB. */
  peakRssKiB: number;
}

/**
 * utime + stime (fields 14 and 15 of proc(5)'s `/proc/<pid>/stat`) in clock ticks. The fields are counted
 * after the command name's closing parenthesis, since the name itself may hold spaces and parentheses.
 */
export function statCpuTicks(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14, stime field 15.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`not a /proc/<pid>/stat line: ${stat.slice(0, 80)}`);
  return utime + stime;
}

/** A `Name:   123 kB` line of `/proc/<pid>/status`, in KiB (0 when absent, as for a zombie). */
export function statusKiB(status: string, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
  return match ? Number(match[1]) : 0;
}

let ticksPerSecond: number | undefined;

/** The kernel's clock ticks per second (`getconf CLK_TCK`, 100 when it cannot be read). */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    const text = (() => {
      try {
        return execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
      } catch {
        return '100';
      }
    })();
    ticksPerSecond = Number(text.trim()) || 100;
  }
  return ticksPerSecond;
}

/** Reads `/proc/<pid>/stat` and `/proc/<pid>/status`; throws (ENOENT) when the process is gone. */
export function sampleProcess(pid: number): ProcSample {
  const ticks = statCpuTicks(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return { cpuMs: (ticks * 1000) / clockTicks(), rssKiB: statusKiB(status, 'VmRSS'), peakRssKiB: statusKiB(status, 'VmHWM') };
}
