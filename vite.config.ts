import { createReadStream, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const ORT_DIST = fileURLToPath(new URL('./node_modules/onnxruntime-web/dist/', import.meta.url));
const ORT_RUNTIME = ['ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm',
  'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm'];

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
        if (!ORT_RUNTIME.includes(file)) return next();
        res.setHeader('Content-Type', file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript');
        createReadStream(ORT_DIST + file).pipe(res);
      });
    },
    generateBundle() {
      for (const file of ORT_RUNTIME) this.emitFile({ type: 'asset', fileName: `ort/${file}`, source: readFileSync(ORT_DIST + file) });
    },
  };
}

// Cross-origin isolation lets onnxruntime-web's wasm provider use threads (SharedArrayBuffer).
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  plugins: [ortRuntime()],
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
    rollupOptions: { input: { main: 'index.html', call: 'call.html' } },
  },
  server: { headers: isolation },
  preview: { headers: isolation },
});
