import { createReadStream } from 'node:fs';
import { defineConfig, type Plugin } from 'vite';
// With its extension, as the modules this config loads are named: Vite's coming native config loader (Node's own
// import) finds no file without one.
import { startReport } from './src/dev-server/start-report.ts';
import { ORT_DIST, ORT_RUNTIME, ortRuntimeAssets } from './tools/ort-files.ts';

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

// Cross-origin isolation lets onnxruntime-web's wasm provider use threads (SharedArrayBuffer).
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  plugins: [sharedHead(), ortRuntime(), startReport()],
  resolve: {
    alias: {
      'onnxruntime-web/webgpu': `${ORT_DIST}ort.webgpu.min.mjs`,
      'onnxruntime-web/wasm': `${ORT_DIST}ort.wasm.min.mjs`,
    },
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
