import { defineConfig } from '@playwright/test';

/**
 * `npm run test:extension`: the built extension (global-setup.ts builds it) loaded unpacked into Debian's Chromium,
 * in a persistent profile per test (extensions need one), with the e2e tests' fake camera. The tests serve the
 * sites they call from themselves (site/), so no web server is configured here.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: '../../test-results/extension',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  workers: 1,
  reporter: [['list']],
  globalSetup: './global-setup.ts',
});
