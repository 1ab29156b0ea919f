import { defineConfig } from '@playwright/test';
import { chromiumArgs, CHROMIUM_PATH } from '../e2e/chromium';

const PORT = 4327;

/**
 * The packed library as a user of the package gets it: prepare.mjs packs it, installs the tarball into a copy of
 * tests/consumer/app and builds that; the tests run the build in Chromium with the same fake camera as the app's.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: '../../test-results/consumer',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  workers: 1,
  reporter: [['list']],
  globalSetup: '../e2e/global-setup.ts',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    browserName: 'chromium',
    launchOptions: { executablePath: CHROMIUM_PATH, args: chromiumArgs() },
    viewport: { width: 640, height: 480 },
  },
  webServer: {
    command: `node tests/consumer/prepare.mjs && cd .cache/consumer && node ../../node_modules/vite/bin/vite.js preview --host 127.0.0.1 --port ${PORT} --strictPort`,
    cwd: '../..',
    url: `http://127.0.0.1:${PORT}/`,
    timeout: 300_000,
    reuseExistingServer: false,
  },
});
