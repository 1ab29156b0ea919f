import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { ORT_ALIASES, ortRuntimeAssets } from '../build/ort-files.ts';

// Builds the library (`npm run build:lib`, run by `npm pack`): dist-lib/veil.js and dist-lib/livekit.js, with
// onnxruntime-web inside them, and dist-lib/assets/ with what the host app serves (the models, their licences and
// onnxruntime's wasm runtime). Run from the repository root. Types come from tsc (src/library/tsconfig.json).
const MODELS = fileURLToPath(new URL('../../public/models/', import.meta.url));
const MODEL_FILES = ['yunet_n_dynamic.onnx', 'LICENSE-yunet.txt', 'NOTICE-yunet.txt', 'README.md'];
const BLAZEFACE_FILES = ['face_detection_back_256x256_batch.onnx', 'LICENSE-blazeface.txt'];

function assets(): Plugin {
  return {
    name: 'veil-library-assets',
    generateBundle() {
      for (const asset of ortRuntimeAssets((file) => `assets/ort/${file}`)) this.emitFile({ type: 'asset', ...asset });
      for (const file of [...MODEL_FILES, ...BLAZEFACE_FILES])
        this.emitFile({ type: 'asset', fileName: `assets/models/${file}`, source: readFileSync(MODELS + file) });
    },
  };
}

export default defineConfig({
  publicDir: false,
  logLevel: 'warn',
  plugins: [assets()],
  // As in the app (vite.config.ts): the non-bundle onnxruntime builds load their wasm glue by URL, from assetsBase.
  resolve: {
    alias: ORT_ALIASES,
  },
  build: {
    outDir: 'dist-lib',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    lib: {
      entry: { veil: 'src/library/index.ts', livekit: 'src/library/livekit.ts' },
      formats: ['es'],
    },
    // Only types come from livekit-client: nothing of it is bundled, and it need not be installed.
    rollupOptions: { external: ['livekit-client'] },
  },
});
