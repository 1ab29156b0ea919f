import { defineConfig } from 'vite';

// Bundles tools/eval.ts for Node (`npm run eval`): Vite inlines the `?raw` WGSL imports exactly as in the app,
// and leaves node_modules (onnxruntime-web, webgpu) as imports that Node resolves.
export default defineConfig({
  publicDir: false,
  logLevel: 'warn',
  build: { ssr: 'tools/eval.ts', outDir: 'dist-tools', emptyOutDir: true, target: 'node20' },
});
