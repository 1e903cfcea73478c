/** The machine's npm configuration files (`npm config get userconfig globalconfig cafile`), those that exist. */
export interface NpmConfigFiles {
  userconfig?: string;
  globalconfig?: string;
  cafile?: string;
}

/** Where npm looks for its configuration in the official Node.js image, whose build stage runs as root. */
export const IMAGE_NPM_USERCONFIG = '/root/.npmrc';
export const IMAGE_NPM_GLOBALCONFIG = '/usr/local/etc/npmrc';
export const IMAGE_NPM_CACHE = '/root/.npm';

/**
 * The `podman build` arguments for the unchanged Dockerfile. The base image must exist locally
 * (`--pull=never`). The machine's npm configuration (and the CA file it names) reaches every `RUN` of the
 * build as read-only bind mounts at the paths npm reads in the image, so `npm install` uses the machine's
 * registry settings while no layer holds them; the npm cache is a mount too (kept in `npmCache` between
 * builds, never in a layer). The build uses the host's network: it reaches the registry as npm on the machine does.
 */
export function buildArgs(options: { context: string; tag: string; npm: NpmConfigFiles; npmCache: string }): string[] {
  const mounts: string[] = [];
  if (options.npm.userconfig) mounts.push(`${options.npm.userconfig}:${IMAGE_NPM_USERCONFIG}:ro`);
  if (options.npm.globalconfig) mounts.push(`${options.npm.globalconfig}:${IMAGE_NPM_GLOBALCONFIG}:ro`);
  if (options.npm.cafile) mounts.push(`${options.npm.cafile}:${options.npm.cafile}:ro`);
  mounts.push(`${options.npmCache}:${IMAGE_NPM_CACHE}`);
  return ['build', '--pull=never', '--network=host', ...mounts.flatMap((m) => ['--volume', m]), '--tag', options.tag, '--file', 'Dockerfile', options.context];
}
