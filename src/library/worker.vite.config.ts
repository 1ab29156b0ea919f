import { defineConfig } from 'vite';
import { ORT_ALIASES } from '../build/ort-files.ts';

// The library's pipeline worker (`npm run build:lib`, after src/library/vite.config.ts): one self-contained module,
// dist-lib/assets/pipeline-worker.js, which the library starts from the host's assets folder, beside the models
// and onnxruntime's wasm it loads. Run from the repository root.
export default defineConfig({
  publicDir: false,
  logLevel: 'warn',
  resolve: { alias: ORT_ALIASES },
  build: {
    outDir: 'dist-lib/assets',
    emptyOutDir: false,
    target: 'es2022',
    sourcemap: true,
    lib: { entry: 'src/library/pipeline-worker.ts', formats: ['es'], fileName: () => 'pipeline-worker.js' },
    rolldownOptions: { output: { codeSplitting: false } },
  },
});
