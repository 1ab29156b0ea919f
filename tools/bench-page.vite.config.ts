import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin, type UserConfig } from 'vite';
import app from '../vite.config';

const MEDIAPIPE = fileURLToPath(new URL('../node_modules/@mediapipe/face_detection/', import.meta.url));

/** The peer detector's script, wasm, models and graphs, served from our own origin under /mediapipe/ (never a CDN). */
function mediapipeFiles(): Plugin {
  return {
    name: 'veil-bench-mediapipe',
    generateBundle() {
      for (const file of readdirSync(MEDIAPIPE).filter((f) => !/^(README\.md|package\.json|index\.d\.ts)$/.test(f))) {
        this.emitFile({ type: 'asset', fileName: `mediapipe/${file}`, source: readFileSync(MEDIAPIPE + file) });
      }
    },
  };
}

const base = app as UserConfig;

// The app's pages share a head with a Content-Security-Policy; the bench page is a tool, not an app page, and
// MediaPipe's peer script is not written for that policy, so it keeps its own plain head.
const appPlugins = (base.plugins ?? []).filter(
  (p) => !(p && typeof p === 'object' && 'name' in p && p.name === 'veil-shared-head'),
);

// The bench page (tools/bench/index.html, tools/bench/bench-page.ts) with the app's plugins, aliases and
// cross-origin isolation headers, built into dist-tools/bench-page/ for `npm run bench:chromium`
// (tools/bench-chromium.ts). A config of its own, not an entry of tools/vite.config.ts: this is a browser build of an
// HTML page on the app's config, which an SSR build for Node cannot be.
export default defineConfig({
  plugins: [...appPlugins, mediapipeFiles()],
  resolve: base.resolve,
  optimizeDeps: base.optimizeDeps,
  preview: base.preview,
  logLevel: 'warn',
  build: {
    target: 'es2022',
    outDir: 'dist-tools/bench-page',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    rollupOptions: { input: { bench: 'tools/bench/index.html' } },
  },
});
