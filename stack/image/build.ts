import fs from 'node:fs';
import path from 'node:path';
import { ensureBaseImage, imageCacheDir } from './base-image.js';
import { buildArgs, type NpmConfigFiles } from './build-args.js';
import { runCommand, timed } from './command.js';
import { baseImagePlan } from './dockerfile.js';
import { podman } from './podman.js';

/** The repository root (the build context). */
export const REPO_ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', '..');

/** The worker image's name, as the Deployment names it: `stellar-steward:<package.json version>`. */
export function imageTag(): string {
  const { version } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  return `localhost/stellar-steward:${version}`;
}

/** What `buildImage` did. */
export interface ImageBuild {
  image: string;
  base: { name: string; cached: boolean; node: string; npm: string };
  seconds: number;
  sizeBytes: number;
}

/**
 * Builds the worker image from the unchanged Dockerfile with podman: first the stand-in for its base
 * image (cached), then `podman build --pull=never` with the machine's npm configuration mounted (see
 * `buildArgs`). Prints progress through `progress`. Throws `CommandError` naming the failed step.
 */
export async function buildImage(progress: (line: string) => void = (line) => console.error(`[image] ${line}`), options: { offline?: boolean } = {}): Promise<ImageBuild> {
  const started = Date.now();
  const plan = baseImagePlan(fs.readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8'));
  const base = options.offline ? await existingBaseImage(plan.name) : await ensureBaseImage(plan, progress);
  progress(`base image ${plan.name} (Node.js ${base.node}, npm ${base.npm}) ${base.cached ? 'reused' : 'built'}`);
  const npmCache = path.join(imageCacheDir(), 'npm-cache');
  fs.mkdirSync(npmCache, { recursive: true });
  const image = imageTag();
  const args = buildArgs({ context: REPO_ROOT, tag: image, npm: await npmConfigFiles(), npmCache });
  await timed(progress, `podman build ${image}`, () => podman(args, { onLine: (line) => progress(`  ${line}`) }));
  const size = await podman(['image', 'inspect', '--format', '{{.Size}}', image]);
  return { image, base: { name: plan.name, ...base }, seconds: (Date.now() - started) / 1000, sizeBytes: Number(size.trim()) };
}

/**
 * The stand-in base image as it is, without asking the registry whether a newer Node.js exists (`offline`:
 * the rebuild image.test makes after `npm run setup` built the image, whose `npm install` layer is then
 * reused, so the test sends nothing to a registry). Throws, saying to run the setup, when it was never built.
 */
async function existingBaseImage(name: string): Promise<{ cached: boolean; node: string; npm: string }> {
  const versions = await podman(['run', '--rm', '--network=none', '--pull=never', name, 'sh', '-c', 'node --version; npm --version']).catch((error: unknown) => {
    throw new Error(`the stand-in base image ${name} is missing (${(error as Error).message.split('\n')[0]}): run 'npm run setup', which builds it with the registry's Node.js`, { cause: error });
  });
  const [node = '', npm = ''] = versions.trim().split('\n');
  return { cached: true, node: node.replace(/^v/, ''), npm };
}

/** The npm configuration files this machine's npm reads, those that exist. */
async function npmConfigFiles(): Promise<NpmConfigFiles> {
  const files: NpmConfigFiles = {};
  for (const key of ['userconfig', 'globalconfig', 'cafile'] as const) {
    const file = (await runCommand('npm', ['config', 'get', key])).trim();
    if (file && file !== 'null' && fs.existsSync(file)) files[key] = file;
  }
  return files;
}
