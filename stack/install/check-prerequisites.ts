// `npm run setup` runs this before install-binaries.sh: it gathers what the machine has, prints what is missing and
// what to do (stack/install/prerequisites.ts decides), and exits 1 when setup cannot succeed.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { binDir } from '../paths.js';
import { prerequisiteFindings, type MachineFacts } from './prerequisites.js';

/** The binaries install-binaries.sh builds into the cache (kept in step with its parts). */
const PINNED_BINARIES = ['temporal', 'kwok', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl', 'traefik', 'helm', 'promtool'];

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir !== '' && fs.existsSync(path.join(dir, command)));
}

function goEnv(name: string): string | undefined {
  try {
    return execFileSync('go', ['env', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** The nearest existing directory at or above `dir` (statfs needs one). */
function existingAncestor(dir: string): string {
  let current = path.resolve(dir);
  while (!fs.existsSync(current) && path.dirname(current) !== current) current = path.dirname(current);
  return current;
}

function gatherFacts(): MachineFacts {
  const goVersion = onPath('go') ? goEnv('GOVERSION')?.replace(/^go/, '').split(/[^\d.]/)[0] : undefined;
  const missingPackages: string[] = [];
  if (!onPath('etcd') && !fs.existsSync('/usr/bin/etcd')) missingPackages.push('etcd-server');
  if (!fs.existsSync('/usr/lib/postgresql/15/bin/postgres')) missingPackages.push('postgresql-15');
  const buildDir = existingAncestor(goVersion ? (goEnv('GOMODCACHE') ?? os.homedir()) : os.homedir());
  const stats = fs.statfsSync(buildDir);
  return {
    nodeVersion: process.versions.node,
    goVersion: goVersion || undefined,
    goToolchain: goVersion ? goEnv('GOTOOLCHAIN') : undefined,
    missingPackages,
    isRoot: process.getuid?.() === 0,
    hasAptGet: onPath('apt-get'),
    missingBinaries: PINNED_BINARIES.filter((name) => !fs.existsSync(path.join(binDir(), name))),
    builtBinaries: PINNED_BINARIES.filter((name) => fs.existsSync(path.join(binDir(), name))),
    freeBytes: stats.bavail * stats.bsize,
    buildDir,
  };
}

const findings = prerequisiteFindings(gatherFacts());
for (const finding of findings) console.error(`[setup] ${finding.level === 'error' ? 'MISSING' : 'note'}: ${finding.message}`);
if (findings.some((finding) => finding.level === 'error')) {
  console.error('[setup] stopped before building anything: fix the MISSING lines above and run it again');
  process.exit(1);
}
console.error('[setup] prerequisites present');
