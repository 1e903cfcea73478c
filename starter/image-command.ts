import { parseArgs } from 'node:util';
import { readStack } from '../stack/index.js';
import { buildImage, podmanProblem, runImage } from '../stack/image/index.js';
import { UsageError, type CommandResult } from './output.js';

/** `steward image build|run`: builds the worker image with podman, or runs it against a local stack as the Deployment runs it. */
export async function imageCommand(args: string[]): Promise<CommandResult> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { name: { type: 'string', default: 'dev' }, 'metrics-port': { type: 'string', default: '9464' } },
  });
  const problem = positionals[0] === 'build' || positionals[0] === 'run' ? await podmanProblem() : undefined;
  if (problem) return { output: `steward image: ${problem}`, exitCode: 1 };
  switch (positionals[0]) {
    case 'build': {
      const built = await buildImage();
      return { output: `built ${built.image} in ${built.seconds.toFixed(1)} s (${(built.sizeBytes / 1e6).toFixed(0)} MB; base ${built.base.name} ${built.base.cached ? 'reused' : 'built'})`, exitCode: 0 };
    }
    case 'run': {
      const stack = readStack(values.name);
      if (!stack) return { output: `stack '${values.name}' is not running: start it with 'steward stack up --name ${values.name}'`, exitCode: 3 };
      const run = await runImage({ stack, name: `steward-worker-${values.name}`, env: { STEWARD_METRICS_ADDRESS: `127.0.0.1:${values['metrics-port']}` } });
      run.process.stdout?.pipe(process.stdout);
      run.process.stderr?.pipe(process.stderr);
      const stop = () => void run.stop('TERM');
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const code = await run.exited;
      await run.remove();
      return { output: `the worker container exited with ${code}`, exitCode: code === 0 ? 0 : 1 };
    }
    default:
      throw new UsageError('image needs one of build, run');
  }
}
