import { describe, expect, it } from '@jest/globals';
import { compareVersions, FIRST_RUN_FREE_BYTES, prerequisiteFindings, type MachineFacts } from '../../stack/install/prerequisites.js';

const ready: MachineFacts = {
  nodeVersion: '20.20.2', goVersion: '1.26.8', goToolchain: 'auto', missingPackages: [], isRoot: false, hasAptGet: true,
  missingBinaries: [], builtBinaries: ['temporal', 'promtool'], freeBytes: 100 * 1024 ** 3, buildDir: '/root/go/pkg/mod',
};
const firstRun: MachineFacts = { ...ready, missingBinaries: ['temporal', 'promtool'], builtBinaries: [] };

describe('prerequisiteFindings', () => {
  it.each<[string, MachineFacts, { level: string; message: RegExp }[]]>([
    ['everything built and installed', ready, []],
    ['a first run with everything needed', firstRun, [{ level: 'note', message: /^building temporal, promtool from the Go module proxy \(a first run: about 30 minutes on 2 free cores and about 20\.0 GB of disk/ }]],
    ['one new binary to build', { ...ready, missingBinaries: ['promtool'], builtBinaries: ['temporal'] }, [{ level: 'note', message: /^building promtool from the Go module proxy \(a few minutes each\)$/ }]],
    ['Node.js too old', { ...ready, nodeVersion: '18.19.0' }, [{ level: 'error', message: /^Node\.js 18\.19\.0 is too old: install Node\.js 20\.19\.0 or newer/ }]],
    ['no Go on a first run', { ...firstRun, goVersion: undefined }, [
      { level: 'error', message: /^no 'go' on PATH: the pinned servers \(temporal, promtool\) are built with Go\. Install Go 1\.26\.7 or newer/ },
      { level: 'note', message: /^building / },
    ]],
    ['no Go, nothing to build', { ...ready, goVersion: undefined }, []],
    ['Go older than toolchain switching', { ...firstRun, goVersion: '1.19.3' }, [{ level: 'error', message: /^Go 1\.19\.3 is too old: .* 1\.26\.7 or newer/ }, { level: 'note', message: /^building / }]],
    ['Go 1.24 that fetches the toolchain', { ...firstRun, goVersion: '1.24.1' }, [{ level: 'note', message: /^Go 1\.24\.1 is older than 1\.26\.7: Go fetches toolchain 1\.26\.7/ }, { level: 'note', message: /^building / }]],
    ['Go 1.24 that may not fetch it', { ...firstRun, goVersion: '1.24.1', goToolchain: 'local' }, [{ level: 'error', message: /GOTOOLCHAIN=local .* run 'GOTOOLCHAIN=auto npm run setup'/ }, { level: 'note', message: /^building / }]],
    ['Go 1.26.10 (numeric, not text, order)', { ...firstRun, goVersion: '1.26.10' }, [{ level: 'note', message: /^building / }]],
    ['Debian packages missing, not root', { ...ready, missingPackages: ['etcd-server', 'postgresql-15'] }, [{ level: 'error', message: /^Debian packages etcd-server postgresql-15 are missing and this is not root: run 'sudo apt-get update && sudo apt-get install -y etcd-server postgresql-15'/ }]],
    ['Debian packages missing, as root', { ...ready, missingPackages: ['postgresql-15'], isRoot: true }, [{ level: 'note', message: /^installing the Debian packages postgresql-15 with apt-get/ }]],
    ['packages missing and no apt-get', { ...ready, missingPackages: ['etcd-server'], isRoot: true, hasAptGet: false }, [{ level: 'error', message: /no apt-get: install etcd \(3\.4 or newer, 'etcd' on PATH\) and PostgreSQL 15/ }]],
    ['too little disk for a first run', { ...firstRun, freeBytes: 5 * 1024 ** 3 }, [{ level: 'error', message: /^5\.0 GB free in \/root\/go\/pkg\/mod, and building the pinned servers takes about 20\.0 GB/ }]],
    ['little disk, nothing to build', { ...ready, freeBytes: 1024 ** 3 }, []],
    ['little disk, one binary to build (the caches exist)', { ...ready, freeBytes: 1024 ** 3, missingBinaries: ['promtool'] }, [{ level: 'note', message: /^building promtool / }]],
    ['just enough disk', { ...firstRun, freeBytes: FIRST_RUN_FREE_BYTES }, [{ level: 'note', message: /^building / }]],
  ])('%s', (_what, facts, expected) => {
    const findings = prerequisiteFindings(facts);
    expect(findings).toEqual(expected.map((e) => ({ level: e.level, message: expect.stringMatching(e.message) })));
  });
});

describe('compareVersions', () => {
  it.each([
    ['1.26.10', '1.26.7', 1],
    ['1.26.7', '1.26.7', 0],
    ['1.26', '1.26.0', 0],
    ['1.9.3', '1.21.0', -1],
    ['20.19.0', '20.9.9', 1],
  ])('%s against %s is %i', (a, b, expected) => {
    expect(compareVersions(a, b)).toBe(expected);
  });
});
