import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { CHROMIUM_PATH, chromiumArgs } from './tests/e2e/chromium.ts';

/**
 * Four kinds of tests, each runnable alone: `unit` (plain TypeScript, seconds), `gpu` (`*.gpu.test.ts`: WGSL passes
 * against their CPU twins and the models, through Dawn on SwiftShader), `media` (`*.media.test.ts`: ffmpeg and the
 * CLI as a process), `browser` (`*.browser.test.ts`: the WebGL2 passes against their CPU twins, in Debian's Chromium
 * through Vitest's browser mode, with the e2e tests' flags). The unit project sets VEIL_UNIT, under which asking for a Dawn device throws: a unit test
 * that needs the GPU says so by its name. Tests sit beside their code: the product's in src/, the tools' in tools/.
 */
const GPU = '{src,tools}/**/*.gpu.test.ts';
const MEDIA = '{src,tools}/**/*.media.test.ts';
const BROWSER = '{src,tools}/**/*.browser.test.ts';

export default defineConfig({
  test: {
    // Dawn's native addon is not safe to load in worker threads; separate processes are.
    pool: 'forks',
    // resource-census.gpu.test.ts checks that what the census counts can still be garbage collected.
    execArgv: ['--expose-gc'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['{src,tools}/**/*.test.ts'],
          exclude: [GPU, MEDIA, BROWSER],
          env: { VEIL_UNIT: '1' },
        },
      },
      { extends: true, test: { name: 'gpu', include: [GPU] } },
      { extends: true, test: { name: 'media', include: [MEDIA] } },
      {
        extends: true,
        test: {
          name: 'browser',
          include: [BROWSER],
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: { executablePath: CHROMIUM_PATH, args: chromiumArgs() } }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
