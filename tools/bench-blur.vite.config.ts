import { defineConfig } from 'vite';

// Bundles src/bench/blur-node.ts for Node (`npm run bench:blur`) into one ES module, dist-bench/bench-blur.mjs:
// the `?raw` WGSL is inlined, and only 'webgpu' and node: built-ins stay imports, so that
// ../shared/gpu/prepare.sh can carry it to a GPU machine.
export default defineConfig({
  publicDir: false,
  logLevel: 'warn',
  build: {
    ssr: 'src/bench/blur-node.ts',
    outDir: 'dist-bench',
    emptyOutDir: false, // keeps earlier results (blur-bench.json)
    target: 'node20',
    rollupOptions: { output: { entryFileNames: 'bench-blur.mjs', format: 'es' } },
  },
});
