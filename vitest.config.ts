import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Temporal's native bridge is not safe in worker threads: one process per test file.
    pool: 'forks',
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/quiet-runtime.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'product', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, 'test/faults/**'], sequence: { groupOrder: 0 } } },
      // The fault suite restarts brokers and kills workers: it runs alone, after the rest, so it slows no other test.
      { extends: true, test: { name: 'faults', include: ['test/faults/**/*.test.ts'], fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});
