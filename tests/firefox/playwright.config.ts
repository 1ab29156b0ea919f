import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';
import e2e from '../../playwright.config';
import { displayAvailable, firefoxInstalled } from './firefox';

/**
 * `npm run test:firefox`: Playwright runs the tests and serves the built app as for the e2e tests, but opens no
 * browser of its own: the tests drive Debian's Firefox ESR through puppeteer-core. Without Firefox (or a display for
 * it) nothing is built.
 * The e2e server's commands run from the repository root (Playwright runs them in the config's folder by default).
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const server = [e2e.webServer ?? []].flat().map((s) => ({ ...s, cwd: ROOT }));

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: '../../test-results/firefox',
  timeout: 60_000,
  expect: { timeout: 30_000 },
  workers: 1,
  reporter: [['list']],
  globalSetup: './global-setup.ts',
  use: { baseURL: e2e.use?.baseURL },
  webServer: firefoxInstalled() && displayAvailable() ? server : undefined,
});
