import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

// Workflow code is replayed: it must stay deterministic, so no I/O and no Node built-ins.
// Exact module names (a pattern would also match our own `domain/` folder, Node having a `domain` module).
const forbiddenInWorkflows = [
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  'kafkajs',
  'nodemailer',
  'pg',
  'pino',
  'yaml',
].map((name) => ({ name, message: 'Workflow code must be deterministic: no I/O or Node built-ins.' }));

export default tseslint.config(
  { ignores: ['node_modules/**', 'prisma/generated/**', '.stack/**', 'dist/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Scripts served to the browser.
    files: ['web/public/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { window: 'readonly', document: 'readonly', Chart: 'readonly' } },
  },
  {
    // CommonJS preloads, loaded by Node with --require (workers/sandbox-preload.cjs).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: forbiddenInWorkflows,
          patterns: [
            { group: ['@prisma/*', '**/lib/*'], message: 'Workflow code must be deterministic: no I/O.' },
            { group: ['**/activities/*', '../activities', '**/workers/*'], allowTypeImports: true, message: 'Import activity types only (import type).' },
          ],
        },
      ],
    },
  },
);
