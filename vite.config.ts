import { createReadStream } from 'node:fs';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
// With its extension, as the modules this config loads are named: Vite's coming native config loader (Node's own
// import) finds no file without one.
import { startReport } from './src/dev-server/start-report.ts';
import { ORT_ALIASES, ORT_DIST, ORT_RUNTIME, ortRuntimeAssets } from './src/build/ort-files.ts';

/**
 * Serves onnxruntime-web's wasm runtime from our own origin under /ort/. Its ".bundle" build would be inlined into
 * our chunk, and its wasm threads would then start workers from our app's chunk (which touches `document`); the
 * non-bundle build loads this glue by URL instead, for itself and its workers. Nothing comes from a CDN.
 */
function ortRuntime(): Plugin {
  return {
    name: 'veil-ort-runtime',
    configureServer(server) {
      server.middlewares.use('/ort/', (req, res, next) => {
        const file = (req.url ?? '').slice(1).split('?')[0];
        if (!(ORT_RUNTIME as readonly string[]).includes(file)) return next();
        res.setHeader('Content-Type', file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript');
        createReadStream(ORT_DIST + file).pipe(res);
      });
    },
    generateBundle() {
      for (const asset of ortRuntimeAssets((file) => `ort/${file}`)) this.emitFile({ type: 'asset', ...asset });
    },
  };
}

/**
 * The head every page shares, written once so that no page can drift from it: above all the
 * Content-Security-Policy, which keeps scripts, models, connections and workers on this origin.
 */
const PAGE_HEAD = `<meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta http-equiv="Content-Security-Policy"
      content="default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; connect-src 'self'; img-src 'self' data: blob:; media-src 'self' blob: mediastream:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; form-action 'none'" />
    <link rel="icon" href="data:," />
    <style>html, body { margin: 0; background: #111; } html.veil-obs, html.veil-obs body { background: transparent; overflow: hidden; }</style>`;

function sharedHead(): Plugin {
  return {
    name: 'veil-shared-head',
    transformIndexHtml: {
      order: 'pre',
      handler(html, ctx) {
        if (!html.includes('<!-- veil:head -->'))
          throw new Error(`${ctx.filename} lacks <!-- veil:head -->: every page must carry the shared head`);
        return html.replace('<!-- veil:head -->', PAGE_HEAD);
      },
    },
  };
}

/**
 * The pages install as an app and work offline after the first visit: a service worker (Workbox, through
 * vite-plugin-pwa) precaches everything the build writes, the models and both onnxruntime runtimes included
 * (about 45 MB: the provider is chosen on the machine, so either may be needed offline). Registered by a script
 * file, as the Content-Security-Policy allows no inline script; off in `npm run dev`.
 */
function installable(): Plugin[] {
  return VitePWA({
    registerType: 'autoUpdate',
    injectRegister: 'script',
    includeAssets: ['demo/*', 'models/*', 'icons/*'],
    manifest: {
      name: 'Veil: on-device face anonymizer',
      short_name: 'Veil',
      description: 'Your camera with every face blurred, on this device; nothing leaves it.',
      start_url: './',
      display: 'standalone',
      background_color: '#111111',
      theme_color: '#1b1f2a',
      icons: [
        { src: 'icons/veil-192.png', sizes: '192x192', type: 'image/png' },
        { src: 'icons/veil-512.png', sizes: '512x512', type: 'image/png' },
      ],
    },
    workbox: {
      globPatterns: ['**/*.{html,js,mjs,css,wasm,onnx,webm,png,txt,md,webmanifest}'],
      // onnxruntime's asyncify wasm (WebGPU provider) is 27 MB.
      maximumFileSizeToCacheInBytes: 40 * 1024 * 1024,
      // Each page is its own entry (index, call, export): no single-page fallback.
      navigateFallback: null,
      // Every file is static and the pages read their parameters themselves: /?obs=1&source=camera is index.html.
      ignoreURLParametersMatching: [/./],
    },
  });
}

// Cross-origin isolation lets onnxruntime-web's wasm provider use threads (SharedArrayBuffer).
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  plugins: [sharedHead(), ortRuntime(), startReport(), installable()],
  resolve: {
    alias: ORT_ALIASES,
  },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: {
    target: 'es2022',
    assetsInlineLimit: 0,
    rollupOptions: { input: { main: 'index.html', call: 'call.html', export: 'export.html' } },
  },
  server: { headers: isolation },
  preview: { headers: isolation },
});
