import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const ORT_DIST = fileURLToPath(new URL('../node_modules/onnxruntime-web/dist/', import.meta.url));
/** The wasm and its glue of onnxruntime-web's plain (wasm provider) and asyncify (WebGPU provider) builds. */
const ORT_WASM = ['ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.asyncify.wasm',
  'ort-wasm-simd-threaded.asyncify.mjs'];

/** onnxruntime's bundles load these from beside themselves in Node (new URL(name, import.meta.url)): put them there. */
function ortWasm(): Plugin {
  return {
    name: 'veil-bench-ort-wasm',
    generateBundle() {
      for (const file of ORT_WASM) this.emitFile({ type: 'asset', fileName: file, source: readFileSync(ORT_DIST + file) });
    },
  };
}

// Bundles src/bench/pipeline-node.ts for Node (`npm run bench:node`) into dist-bench-node/, one flat folder:
// bench-node.mjs, onnxruntime-web's bundles as .mjs chunks and its wasm. It imports only 'webgpu' and node:
// built-ins, so that ../shared/gpu/prepare.sh can carry the folder to the GPU machine (docs/performance.md).
export default defineConfig({
  publicDir: false,
  logLevel: 'warn',
  plugins: [ortWasm()],
  ssr: { noExternal: true, external: ['webgpu'] },
  build: {
    ssr: 'src/bench/pipeline-node.ts',
    outDir: 'dist-bench-node',
    emptyOutDir: true,
    target: 'node20',
    rollupOptions: { output: { format: 'es', entryFileNames: 'bench-node.mjs', chunkFileNames: '[name].mjs' } },
  },
});
