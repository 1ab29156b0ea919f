import { defineConfig } from 'vite';

// Bundles tools/eval-video.ts for Node (`npm run eval:video`), as tools/eval.vite.config.ts does for `npm run eval`,
// into its own folder so the two commands never empty each other's output.
export default defineConfig({
  publicDir: false,
  logLevel: 'warn',
  build: { ssr: 'tools/eval-video.ts', outDir: 'dist-eval-video', emptyOutDir: true, target: 'node20' },
});
