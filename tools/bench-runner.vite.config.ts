import { defineConfig } from 'vite';

// Bundles tools/bench.ts, the Chromium bench's Node side (`npm run bench:chromium`), into dist-bench/bench-chromium.mjs;
// vite and Playwright stay imports that Node resolves from node_modules.
export default defineConfig({
  publicDir: false,
  logLevel: 'warn',
  build: {
    ssr: 'tools/bench.ts',
    outDir: 'dist-bench',
    emptyOutDir: false,
    target: 'node20',
    rollupOptions: { output: { entryFileNames: 'bench-chromium.mjs', format: 'es' } },
  },
});
