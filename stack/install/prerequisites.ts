// What `npm run setup` needs from the machine, decided purely from facts gathered by check-prerequisites.ts:
// each missing prerequisite becomes one line that says what is missing and exactly what to do.

/** What check-prerequisites.ts found on the machine. */
export interface MachineFacts {
  /** `process.versions.node`. */
  nodeVersion: string;
  /** The version `go version` printed (`1.26.8`); undefined when there is no `go` on PATH. */
  goVersion?: string;
  /** `go env GOTOOLCHAIN` (`auto` unless set; `local` forbids fetching a newer toolchain). */
  goToolchain?: string;
  /** Debian packages the stack needs that are not installed (`etcd-server`, `postgresql-15`). */
  missingPackages: string[];
  isRoot: boolean;
  hasAptGet: boolean;
  /** Pinned binaries not yet in the cache: setup builds them. */
  missingBinaries: string[];
  /** Pinned binaries already in the cache; none on a first run. */
  builtBinaries: string[];
  /** Free bytes on the filesystem of the Go module and build caches. */
  freeBytes: number;
  /** Where the free space was measured. */
  buildDir: string;
}

/** A prerequisite that is missing (`error`: setup stops) or a cost worth knowing (`note`). */
export interface Finding {
  level: 'error' | 'note';
  message: string;
}

/** From package.json's engines. */
export const MIN_NODE = '20.19.0';
/**
 * The newest `go` directive among the pinned modules: github.com/prometheus/prometheus v0.316.0 (promtool) says
 * go 1.26.7; Helm v3.22.0 go 1.26.0; Temporal CLI v1.5.1 and Traefik v3.6.12 go 1.25.0; Kubernetes and KWOK 1.24.0.
 */
export const MIN_GO = '1.26.7';
/** Go 1.21 and later fetch a newer toolchain from the module proxy when a module needs it (GOTOOLCHAIN=auto). */
const MIN_GO_TOOLCHAIN_SWITCH = '1.21.0';
/** Measured on a first run: Go module cache 8.1 GB, build cache 8.5 GB, binaries 1.2 GB, plus headroom. */
export const FIRST_RUN_FREE_BYTES = 20 * 1024 ** 3;
/** README's "Two commands": about 10 minutes for the servers, plus Traefik, Helm and promtool: an estimate summed from the parts. */
export const FIRST_RUN_TIME = 'about 30 minutes on 2 free cores';

/** Compares dotted versions numerically (`1.26.10` > `1.26.7`); a missing part counts as 0. */
export function compareVersions(a: string, b: string): number {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let i = 0; i < Math.max(left.length, right.length); i += 1) {
    const difference = (left[i] ?? 0) - (right[i] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}

const gib = (bytes: number): string => `${(bytes / 1024 ** 3).toFixed(1)} GB`;

/** Every finding for `facts`, errors first; none when the machine has everything. */
export function prerequisiteFindings(facts: MachineFacts): Finding[] {
  const findings: Finding[] = [...nodeFindings(facts), ...goFindings(facts), ...packageFindings(facts), ...diskFindings(facts)];
  return [...findings.filter((f) => f.level === 'error'), ...findings.filter((f) => f.level === 'note')];
}

function nodeFindings({ nodeVersion }: MachineFacts): Finding[] {
  if (compareVersions(nodeVersion, MIN_NODE) >= 0) return [];
  return [{ level: 'error', message: `Node.js ${nodeVersion} is too old: install Node.js ${MIN_NODE} or newer (https://nodejs.org), then run 'npm install && npm run setup' again` }];
}

function goFindings({ goVersion, goToolchain, missingBinaries }: MachineFacts): Finding[] {
  if (missingBinaries.length === 0) return [];
  const needed = `the pinned servers (${missingBinaries.join(', ')}) are built with Go`;
  if (goVersion === undefined) {
    return [{ level: 'error', message: `no 'go' on PATH: ${needed}. Install Go ${MIN_GO} or newer (https://go.dev/dl/, or 'apt-get install golang-go' where it is that new) and put it on PATH, then run 'npm run setup' again` }];
  }
  if (compareVersions(goVersion, MIN_GO) >= 0) return [];
  if (compareVersions(goVersion, MIN_GO_TOOLCHAIN_SWITCH) < 0) {
    return [{ level: 'error', message: `Go ${goVersion} is too old: ${needed} ${MIN_GO} or newer. Install Go ${MIN_GO} (https://go.dev/dl/), then run 'npm run setup' again` }];
  }
  if (goToolchain === 'local') {
    return [{ level: 'error', message: `Go ${goVersion} with GOTOOLCHAIN=local cannot build the pinned servers, which need Go ${MIN_GO}: install Go ${MIN_GO} or newer, or run 'GOTOOLCHAIN=auto npm run setup' to let Go fetch it from the module proxy` }];
  }
  return [{ level: 'note', message: `Go ${goVersion} is older than ${MIN_GO}: Go fetches toolchain ${MIN_GO} from the module proxy on first use (GOTOOLCHAIN=auto), about 70 MB` }];
}

function packageFindings({ missingPackages, isRoot, hasAptGet }: MachineFacts): Finding[] {
  if (missingPackages.length === 0) return [];
  const list = missingPackages.join(' ');
  if (!hasAptGet) {
    return [{ level: 'error', message: `Debian packages ${list} are missing and there is no apt-get: install etcd (3.4 or newer, 'etcd' on PATH) and PostgreSQL 15 (its server in /usr/lib/postgresql/15/bin) with your package manager, then run 'npm run setup' again` }];
  }
  if (!isRoot) {
    return [{ level: 'error', message: `Debian packages ${list} are missing and this is not root: run 'sudo apt-get update && sudo apt-get install -y ${list}' (or run 'npm run setup' as root), then 'npm run setup' again` }];
  }
  return [{ level: 'note', message: `installing the Debian packages ${list} with apt-get (root)` }];
}

function diskFindings({ missingBinaries, builtBinaries, freeBytes, buildDir }: MachineFacts): Finding[] {
  if (missingBinaries.length === 0) return [];
  if (builtBinaries.length === 0 && freeBytes < FIRST_RUN_FREE_BYTES) {
    return [{ level: 'error', message: `${gib(freeBytes)} free in ${buildDir}, and building the pinned servers takes about ${gib(FIRST_RUN_FREE_BYTES)} (Go's module and build caches and the binaries): free some space or point GOMODCACHE and GOCACHE at a larger disk, then run 'npm run setup' again` }];
  }
  const cost = builtBinaries.length === 0 ? `a first run: ${FIRST_RUN_TIME} and about ${gib(FIRST_RUN_FREE_BYTES)} of disk; later runs take a second` : 'a few minutes each';
  return [{ level: 'note', message: `building ${missingBinaries.join(', ')} from the Go module proxy (${cost})` }];
}
