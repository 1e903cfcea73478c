// Tests are compiled by `tsc` into dist/ first (ESM), then run natively by jest without a transform.
// Every test process refuses connections beyond loopback (the network rule): test/support/loopback-only.ts.
const common = { transform: {}, testEnvironment: 'node', moduleFileExtensions: ['js'], setupFiles: ['<rootDir>/dist/test/support/loopback-only.js'] };

export default {
  // Integration tests wait on real servers; jest reads the timeout only at the top level.
  testTimeout: 180000,
  reporters: ['default', '<rootDir>/dist/test/summary-reporter.js'],
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/dist/test/unit/**/*.test.js'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/dist/test/integration/**/*.test.js'],
      globalSetup: '<rootDir>/dist/test/integration/global-setup.js',
      globalTeardown: '<rootDir>/dist/test/integration/global-teardown.js',
    },
  ],
};
