import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Dawn's native addon is not safe to load in worker threads; separate processes are.
    pool: 'forks',
    // resource-census.test.ts checks that what the census counts can still be garbage collected.
    execArgv: ['--expose-gc'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
