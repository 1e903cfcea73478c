import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse, parseAllDocuments } from 'yaml';
import { WORKER_NODE_ARGS } from '../../worker/entry-point.js';

// What can be checked of the Docker path without a Docker engine: the files agree with each other and
// with the repository. The kustomize manifests are also applied to the real API server (rbac.test).
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

interface ComposeService {
  image?: string;
  build?: string;
  ports?: string[];
  environment?: Record<string, string>;
}

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml')) as { services: Record<string, ComposeService> };
  const services = Object.entries(compose.services);

  it('runs Temporal on PostgreSQL, the Temporal UI and the worker built from the Dockerfile', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['postgresql', 'temporal', 'temporal-ui', 'worker']);
    expect(compose.services.temporal?.environment?.DB).toMatch(/^postgres/);
    expect(compose.services.temporal?.environment?.POSTGRES_SEEDS).toBe('postgresql');
    expect(compose.services['temporal-ui']?.environment?.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(compose.services.worker?.build).toBe('.');
    expect(compose.services.worker?.environment?.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(fs.existsSync(path.join(ROOT, 'Dockerfile'))).toBe(true);
  });

  it('pins every image to a version', () => {
    for (const [name, service] of services) {
      if (service.image === undefined) continue;
      expect({ name, image: service.image }).toEqual({ name, image: expect.stringMatching(/^[\w./-]+:\d+\.\d+(\.\d+)?$/) });
    }
  });

  it('publishes ports on loopback only, the UI on 8233 and metrics on 9464', () => {
    const ports = services.flatMap(([, service]) => service.ports ?? []);
    expect(ports.length).toBeGreaterThan(0);
    for (const port of ports) expect(port).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
    expect(compose.services['temporal-ui']?.ports).toContain('127.0.0.1:8233:8080');
    expect(compose.services.worker?.ports).toContain('127.0.0.1:9464:9464');
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const ignored = read('.dockerignore').split('\n').map((line) => line.trim()).filter(Boolean);
  const copies = [...dockerfile.matchAll(/^COPY (?!--from)(.+)$/gm)].map((match) => {
    const parts = (match[1] ?? '').trim().split(/\s+/);
    return parts.slice(0, -1);
  });

  it('copies only files that exist and that .dockerignore lets through', () => {
    const sources = copies.flat();
    expect(sources.length).toBeGreaterThan(5);
    for (const source of sources) {
      expect({ source, exists: fs.existsSync(path.join(ROOT, source)) }).toEqual({ source, exists: true });
      expect(ignored).not.toContain(source);
    }
  });

  it('copies every directory the TypeScript build compiles', () => {
    const tsconfig = JSON.parse(read('tsconfig.json')) as { include: string[] };
    const sources = new Set(copies.flat());
    for (const dir of tsconfig.include) expect({ dir, copied: sources.has(dir) }).toEqual({ dir, copied: true });
  });

  it('runs the worker with two malloc arenas, as bench/scale.ts measured it', () => {
    const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(finalStage).toMatch(/^ENV MALLOC_ARENA_MAX=2$/m);
  });

  it('starts the compiled worker entry point and exposes the metrics port the worker serves by default', () => {
    const entry = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(dockerfile)?.[1] ?? '[]') as string[];
    // As the tests and the bench start it, with the workflow threads' preload.
    expect(entry).toEqual(['node', ...WORKER_NODE_ARGS]);
    for (const file of entry.slice(1).filter((arg) => !arg.startsWith('-'))) {
      const source = path.join(ROOT, file.replace(/^(\.\/)?dist\//, '').replace(/\.c?js$/, file.endsWith('.cjs') ? '.cts' : '.ts'));
      expect({ file, source: fs.existsSync(source) }).toEqual({ file, source: true });
    }
    expect(dockerfile).toMatch(/^EXPOSE 9464$/m);
    expect(read('worker/runtime.ts')).toContain("'9464'");
  });
});

describe('production dependencies', () => {
  const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
  const productionDirs = ['activities', 'domain', 'kube', 'router', 'stack', 'starter', 'worker', 'workflows'];

  function jsFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? jsFiles(path.join(dir, entry.name)) : entry.name.endsWith('.js') ? [path.join(dir, entry.name)] : []);
  }

  it('lists every package the compiled product imports (the image prunes devDependencies)', () => {
    const files = productionDirs.flatMap((dir) => jsFiles(path.join(ROOT, 'dist', dir)));
    expect(files.length).toBeGreaterThan(20);
    const imported = new Set<string>();
    for (const file of files) {
      for (const match of fs.readFileSync(file, 'utf8').matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
        const specifier = match[1] ?? match[2] ?? '';
        if (specifier.startsWith('.') || specifier.startsWith('node:') || builtinModules.includes(specifier)) continue;
        const parts = specifier.split('/');
        imported.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0] ?? specifier);
      }
    }
    expect(imported.size).toBeGreaterThan(3);
    const missing = [...imported].filter((name) => !(name in pkg.dependencies));
    expect(missing).toEqual([]);
  });
});

interface Manifest {
  kind: string;
  metadata: { name: string; namespace?: string };
  roleRef?: unknown;
  subjects?: unknown;
  rules?: Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }>;
  spec?: { template: { spec: { serviceAccountName: string; containers: Array<{ image: string }> } } };
}

describe('deploy/ (kustomize)', () => {
  const kustomization = parse(read('deploy/kustomization.yaml')) as { resources: string[]; images: Array<{ name: string; newTag: string }> };
  const docs = kustomization.resources.filter((resource) => resource.endsWith('.yaml'))
    .flatMap((resource) => parseAllDocuments(read(path.join('deploy', resource))).map((doc) => doc.toJS() as Manifest));
  const byKind = (kind: string) => docs.find((doc) => doc.kind === kind);

  it('lists resources that exist, the CRDs included', () => {
    for (const resource of kustomization.resources) expect({ resource, exists: fs.existsSync(path.join(ROOT, 'deploy', resource)) }).toEqual({ resource, exists: true });
    const crds = parse(read('crds/kustomization.yaml')) as { resources: string[] };
    const crdFiles = fs.readdirSync(path.join(ROOT, 'crds')).filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml');
    expect([...crds.resources].sort()).toEqual(crdFiles.sort());
  });

  it('binds the ClusterRole to the ServiceAccount the Deployment runs as, and runs the image it builds', () => {
    const account = byKind('ServiceAccount');
    const binding = byKind('ClusterRoleBinding');
    const deployment = byKind('Deployment');
    expect(binding?.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: byKind('ClusterRole')?.metadata.name });
    expect(binding?.subjects).toEqual([{ kind: 'ServiceAccount', name: account?.metadata.name, namespace: account?.metadata.namespace }]);
    expect(deployment?.spec?.template.spec.serviceAccountName).toBe(account?.metadata.name);
    const [image, tag] = String(deployment?.spec?.template.spec.containers[0]?.image).split(':');
    expect(kustomization.images).toContainEqual({ name: image, newTag: tag });
    expect(tag).toBe((JSON.parse(read('package.json')) as { version: string }).version);
  });

  it('grants no wildcard, and on Secrets only get (never list)', () => {
    const rules = byKind('ClusterRole')?.rules ?? [];
    expect(rules.length).toBeGreaterThan(3);
    for (const rule of rules) {
      expect([...rule.apiGroups, ...rule.resources, ...rule.verbs]).not.toContain('*');
      if (rule.resources.includes('secrets')) expect(rule.verbs).toEqual(['get']);
    }
  });
});
