import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

let installed = false;

/** Installs the Temporal runtime once per process with a logger at `level` (WARN keeps a demo screen clean). */
export function installRuntime(level: LogLevel = 'INFO'): void {
  if (installed) return;
  installed = true;
  try {
    Runtime.install({ logger: new DefaultLogger(level) });
  } catch {
    // another part of this process installed it first
  }
}
