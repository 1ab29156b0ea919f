import { defineConfig } from 'vitest/config';

/**
 * Three kinds of tests, each runnable alone: `unit` (plain TypeScript, seconds), `gpu` (`*.gpu.test.ts`: WGSL passes
 * against their CPU twins and the models, through Dawn on SwiftShader), `media` (`*.media.test.ts`: ffmpeg and the
 * CLI as a process). The unit project sets VEIL_UNIT, under which asking for a Dawn device throws: a unit test
 * that needs the GPU says so by its name. Tests sit beside their code: the product's in src/, the tools' in tools/.
 */
const GPU = '{src,tools}/**/*.gpu.test.ts';
const MEDIA = '{src,tools}/**/*.media.test.ts';

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
        test: { name: 'unit', include: ['{src,tools}/**/*.test.ts'], exclude: [GPU, MEDIA], env: { VEIL_UNIT: '1' } },
      },
      { extends: true, test: { name: 'gpu', include: [GPU] } },
      { extends: true, test: { name: 'media', include: [MEDIA] } },
    ],
  },
});
