/** What the stand-in base image must provide, read from the Dockerfile's `FROM` lines. */
export interface BaseImagePlan {
  /** The name the Dockerfile pulls, fully qualified as podman stores it (`docker.io/library/node:20.19-bookworm-slim`). */
  name: string;
  /** The Node.js release line of the tag (`20.19`). */
  nodeLine: string;
  /** The Debian suite of the tag (`bookworm`). */
  suite: string;
}

/**
 * The npm each Node.js release line ships (Node's release notes: every 20.19.x bundles npm 10.8.2). The
 * official image's npm is the one its Node tarball carries, so the stand-in installs this version.
 */
export const NPM_OF_NODE_LINE: Readonly<Record<string, string>> = { '20.19': '10.8.2' };

/**
 * Reads the base image of a Dockerfile: every `FROM` must name the same official `node:<major>.<minor>-<suite>-slim`
 * image (a stage built `FROM` another stage is fine). Throws an Error naming the line otherwise.
 */
export function baseImagePlan(dockerfile: string): BaseImagePlan {
  const stages = new Set<string>();
  const bases = new Set<string>();
  for (const match of dockerfile.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?\s*$/gim)) {
    const [, image = '', stage] = match;
    if (!stages.has(image)) bases.add(image);
    if (stage) stages.add(stage);
  }
  if (bases.size !== 1) throw new Error(`the Dockerfile must build FROM one base image, found ${bases.size ? [...bases].join(', ') : 'none'}`);
  const [image = ''] = [...bases];
  const tag = /^(?:docker\.io\/)?(?:library\/)?node:(\d+\.\d+)-([a-z]+)-slim$/.exec(image);
  if (!tag) throw new Error(`the Dockerfile's base image ${image} is not node:<major>.<minor>-<debian suite>-slim: the stand-in cannot build it`);
  const [, nodeLine = '', suite = ''] = tag;
  return { name: `docker.io/library/node:${nodeLine}-${suite}-slim`, nodeLine, suite };
}

/** The newest published version of a release line (`20.19` -> `20.19.6`), or undefined when none is. */
export function newestOfLine(versions: readonly string[], line: string): string | undefined {
  const patches = versions.filter((v) => v.startsWith(`${line}.`) && /^\d+$/.test(v.slice(line.length + 1))).map((v) => Number(v.slice(line.length + 1)));
  return patches.length ? `${line}.${Math.max(...patches)}` : undefined;
}
