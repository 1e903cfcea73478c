import fs from 'node:fs';
import path from 'node:path';

/** Where etcd comes from: Debian's `etcd-server` package (3.4), overridable with `STEWARD_ETCD`. */
export function etcdBinary(): string {
  const file = process.env.STEWARD_ETCD ?? '/usr/bin/etcd';
  if (!fs.existsSync(file)) {
    throw new Error(`etcd not found at ${file}: run 'apt-get install etcd-server' (or 'npm run setup'), or set STEWARD_ETCD`);
  }
  return file;
}

/**
 * The path of a pinned binary (kube-apiserver, kube-controller-manager, kube-scheduler, kwok) in `binDir`.
 * Throws, naming the install command, when it is missing.
 */
export function pinnedBinary(binDir: string, name: string): string {
  const file = path.join(binDir, name);
  if (!fs.existsSync(file)) {
    throw new Error(`${name} not found in ${binDir}: run 'npm run setup' (bash stack/install/install-binaries.sh) to build it`);
  }
  return file;
}
