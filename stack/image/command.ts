import { spawn } from 'node:child_process';

/** A command (podman, debootstrap, npm, ...) that exited non-zero or could not start; `cause` keeps the spawn error. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  constructor(readonly command: string, readonly exitCode: number | null, readonly output: string, options?: ErrorOptions) {
    super(`'${command}' ${exitCode === null ? 'could not run' : `exited with ${exitCode}`}${output ? `:\n${output.trimEnd().split('\n').slice(-15).join('\n')}` : ''}`, options);
  }
}

/** Options of `runCommand`. */
export interface RunOptions {
  /** Called with every line the command prints (stdout and stderr): progress for the long steps. */
  onLine?: (line: string) => void;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Runs a command to its end; resolves with its stdout, throws `CommandError` (with the last lines it printed). */
export function runCommand(file: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let output = '';
    const lines = (chunk: Buffer, keep: boolean) => {
      const text = chunk.toString();
      if (keep) stdout += text;
      output = (output + text).slice(-20_000);
      if (options.onLine) for (const line of text.split('\n')) if (line.trim()) options.onLine(line);
    };
    child.stdout.on('data', (chunk: Buffer) => lines(chunk, true));
    child.stderr.on('data', (chunk: Buffer) => lines(chunk, false));
    child.on('error', (error) => reject(new CommandError([file, ...args].join(' '), null, '', { cause: error })));
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new CommandError([file, ...args].join(' '), code, output))));
  });
}

/** Runs one long step, printing its start and how long it took. */
export async function timed<T>(progress: (line: string) => void, step: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  progress(`${step} ...`);
  const result = await work();
  progress(`${step}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result;
}
