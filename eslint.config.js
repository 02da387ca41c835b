import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

// Workflow code is replayed: it must stay deterministic, so no I/O and no Node built-ins.
const forbiddenInWorkflows = [
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  '@prisma/*',
  'kafkajs',
  'nodemailer',
  'pg',
  'pino',
];

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
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: forbiddenInWorkflows, message: 'Workflow code must be deterministic: no I/O or Node built-ins.' },
            { group: ['**/activities/*', '../activities', '**/workers/*'], allowTypeImports: true, message: 'Import activity types only (import type).' },
          ],
        },
      ],
    },
  },
);
