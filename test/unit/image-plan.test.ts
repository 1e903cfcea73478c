import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { buildArgs } from '../../stack/image/build-args.js';
import { baseImagePlan, newestOfLine, NPM_OF_NODE_LINE } from '../../stack/image/dockerfile.js';
import { deploymentRun } from '../../stack/image/run-args.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

describe('baseImagePlan', () => {
  it.each([
    ['FROM node:20.19-bookworm-slim AS build\nFROM node:20.19-bookworm-slim\n', { name: 'docker.io/library/node:20.19-bookworm-slim', nodeLine: '20.19', suite: 'bookworm' }],
    ['FROM docker.io/library/node:22.4-trixie-slim\n', { name: 'docker.io/library/node:22.4-trixie-slim', nodeLine: '22.4', suite: 'trixie' }],
    ['from node:20.19-bookworm-slim as build\nFROM build\n', { name: 'docker.io/library/node:20.19-bookworm-slim', nodeLine: '20.19', suite: 'bookworm' }],
  ])('reads the base image of %j', (dockerfile, plan) => {
    expect(baseImagePlan(dockerfile)).toEqual(plan);
  });

  it.each([
    ['FROM node:20.19-bookworm-slim AS build\nFROM node:22.1-bookworm-slim\n', 'one base image, found node:20.19-bookworm-slim, node:22.1-bookworm-slim'],
    ['RUN true\n', 'found none'],
    ['FROM node:20-alpine\n', 'is not node:<major>.<minor>-<debian suite>-slim'],
    ['FROM ghcr.io/acme/node:20.19-bookworm-slim\n', 'is not node:'],
  ])('refuses %j', (dockerfile, message) => {
    expect(() => baseImagePlan(dockerfile)).toThrow(message);
  });

  it('knows the npm of the repository Dockerfile\'s Node.js line', () => {
    const plan = baseImagePlan(read('Dockerfile'));
    expect(NPM_OF_NODE_LINE[plan.nodeLine]).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('newestOfLine', () => {
  it.each([
    [['20.18.3', '20.19.0', '20.19.10', '20.19.9', '20.190.1', '21.0.0'], '20.19', '20.19.10'],
    [['20.19.0-rc.1', '20.19.2'], '20.19', '20.19.2'],
    [['20.18.3'], '20.19', undefined],
    [[], '20.19', undefined],
  ])('of %j on line %s is %s', (versions, line, newest) => {
    expect(newestOfLine(versions, line)).toBe(newest);
  });
});

describe('buildArgs', () => {
  const common = { context: '/repo', tag: 'localhost/stellar-steward:0.1.0', npmCache: '/cache/npm' };

  it('builds without pulling and mounts the npm configuration read-only where the image\'s npm reads it', () => {
    const args = buildArgs({ ...common, npm: { userconfig: '/root/.npmrc', globalconfig: '/usr/etc/npmrc', cafile: '/etc/ssl/certs/ca-certificates.crt' } });
    expect(args).toEqual(['build', '--pull=never', '--network=host',
      '--volume', '/root/.npmrc:/root/.npmrc:ro', '--volume', '/usr/etc/npmrc:/usr/local/etc/npmrc:ro',
      '--volume', '/etc/ssl/certs/ca-certificates.crt:/etc/ssl/certs/ca-certificates.crt:ro', '--volume', '/cache/npm:/root/.npm',
      '--tag', 'localhost/stellar-steward:0.1.0', '--file', 'Dockerfile', '/repo']);
  });

  it('mounts only the configuration files the machine has, and never passes them as build arguments', () => {
    const args = buildArgs({ ...common, npm: { globalconfig: '/usr/etc/npmrc' } });
    expect(args.filter((arg) => arg.includes('npmrc'))).toEqual(['/usr/etc/npmrc:/usr/local/etc/npmrc:ro']);
    expect(args.some((arg) => arg.startsWith('--build-arg') || arg.startsWith('--secret'))).toBe(false);
  });
});

describe('deploymentRun', () => {
  const manifest = (container: object, pod: object = {}) => JSON.stringify({ spec: { template: { spec: { containers: [{ name: 'worker', ...container }], ...pod } } } });

  it('runs the shipped Deployment\'s worker as uid 1000 on a read-only root with only /tmp writable, no capabilities', () => {
    expect(deploymentRun(read('deploy/deployment.yaml'))).toEqual({
      options: ['--user=1000', '--read-only', '--read-only-tmpfs=false', '--cap-drop=all', '--security-opt=no-new-privileges', '--tmpfs=/tmp:rw,mode=1777'],
      env: { TEMPORAL_ADDRESS: 'temporal-frontend.temporal.svc:7233', TEMPORAL_NAMESPACE: 'default', STEWARD_METRICS_PORT: '9464', STEWARD_LOG_FORMAT: 'json' },
    });
  });

  it.each([
    ['the container\'s user over the pod\'s', manifest({ securityContext: { runAsUser: 2000 } }, { securityContext: { runAsUser: 1000 } }), ['--user=2000']],
    ['a writable root when the manifest allows it', manifest({ securityContext: { readOnlyRootFilesystem: false } }, { securityContext: { runAsUser: 1 } }), ['--user=1']],
    ['each dropped capability', manifest({ securityContext: { runAsUser: 1, capabilities: { drop: ['NET_RAW', 'CHOWN'] } } }), ['--user=1', '--cap-drop=net_raw', '--cap-drop=chown']],
  ])('maps %s', (_, text, options) => {
    expect(deploymentRun(text).options).toEqual(options);
  });

  it.each([
    ['no runAsUser', manifest({}), 'sets no runAsUser'],
    ['a mount that is no emptyDir', manifest({ securityContext: { runAsUser: 1 }, volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg' }] }, { volumes: [{ name: 'cfg', configMap: { name: 'x' } }] }), "volume 'cfg'"],
    ['no worker container', JSON.stringify({ spec: { template: { spec: { containers: [{ name: 'other' }] } } } }), "no container 'worker'"],
  ])('refuses a manifest with %s', (_, text, message) => {
    expect(() => deploymentRun(text)).toThrow(message);
  });
});
