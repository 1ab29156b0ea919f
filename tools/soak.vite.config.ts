import { defineConfig } from 'vite';

// Bundles tools/soak.ts for Node (`npm run soak`); Playwright stays an import that Node resolves.
export default defineConfig({
  publicDir: false,
  logLevel: 'warn',
  build: { ssr: 'tools/soak.ts', outDir: 'dist-soak', emptyOutDir: true, target: 'node20' },
});
