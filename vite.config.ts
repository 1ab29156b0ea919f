import { defineConfig } from 'vite';

// onnxruntime-web loads its wasm at run time; serving it from our own origin keeps every byte local
// (no CDN), which the "nothing leaves the device" promise depends on.
export default defineConfig({
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: { target: 'es2022', assetsInlineLimit: 0 },
  server: { headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } },
  preview: { headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } },
});
