import { defineConfig } from '@playwright/test';
import { chromiumArgs, CHROMIUM_PATH } from './tests/e2e/chromium';

const PORT = 4317;

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  workers: 1,
  reporter: [['list']],
  globalSetup: './tests/e2e/global-setup.ts',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    browserName: 'chromium',
    launchOptions: { executablePath: CHROMIUM_PATH, args: chromiumArgs() },
    viewport: { width: 960, height: 640 },
    // A service worker would serve the app's files past page.route() and fetch 45 MB per test: only the offline
    // test (tests/e2e/offline.spec.ts) allows it.
    serviceWorkers: 'block',
  },
  webServer: {
    command: `npx vite build --logLevel warn && npx vite preview --host 127.0.0.1 --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}/`,
    timeout: 180_000,
    reuseExistingServer: !process.env.CI,
  },
});
