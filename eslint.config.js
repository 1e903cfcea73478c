import tseslint from 'typescript-eslint';

const nodeBuiltins = ['fs', 'path', 'os', 'http', 'https', 'net', 'crypto', 'child_process', 'util', 'stream', 'url', 'events', 'dns', 'worker_threads', 'timers'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bin/**', 'jest.config.js', 'eslint.config.js'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.cts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/explicit-module-boundary-types': 'off',
      eqeqeq: 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    // Workflow code must be deterministic: no Node built-ins, no I/O clients.
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [...nodeBuiltins, ...nodeBuiltins.map((m) => `node:${m}`), '@kubernetes/client-node', 'pg', '@temporalio/client', '@temporalio/worker'].map((name) => ({
          name,
          message: 'workflow code is deterministic: do I/O in activities',
        })),
        patterns: [{ group: ['../activities/**', '../kube/**', '../stack/**', '../worker/**'], allowTypeImports: true, message: 'workflows import only activity types' }],
      }],
    },
  },
  {
    // A CommonJS preload (node --require) imports with require(): verbatimModuleSyntax allows no other form there.
    files: ['**/*.cts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
