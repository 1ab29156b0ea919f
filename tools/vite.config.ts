import { defineConfig, type Plugin } from 'vite';
import { ortRuntimeAssets } from '../src/build/ort-files.ts';

/** The Node tools, each run by its npm script as dist-tools/NAME.mjs. */
const TOOLS = {
  eval: 'tools/eval.ts',
  'eval-video': 'tools/eval-video.ts',
  'bench-node': 'tools/bench-node.ts',
  'bench-blur': 'tools/bench-blur.ts',
  'bench-chromium': 'tools/bench-chromium.ts',
  soak: 'tools/soak.ts',
  'bench-library': 'tools/bench-library.ts',
  'motion-clips': 'tools/motion-clips.ts',
};

/** onnxruntime's bundles load these from beside themselves in Node (new URL(name, import.meta.url)): put them there. */
function ortWasm(): Plugin {
  return {
    name: 'veil-tools-ort-wasm',
    generateBundle() {
      for (const asset of ortRuntimeAssets((file) => file)) this.emitFile({ type: 'asset', ...asset });
    },
  };
}

// Every Node tool in one SSR build into one flat folder, dist-tools/: Vite inlines the `?raw` WGSL imports exactly
// as in the app, and onnxruntime-web is bundled with its wasm beside it, so that the tools import only 'webgpu',
// node: built-ins and each other's chunks, and ../shared/gpu/prepare.sh can carry dist-tools/*.mjs to the GPU
// machine, which has no node_modules (docs/performance.md). Vite and Playwright, which the Chromium tools drive,
// stay imports that Node resolves. The browser page the Chromium bench serves is a build of its own
// (tools/bench-page.vite.config.ts).
export default defineConfig({
  publicDir: false,
  logLevel: 'warn',
  plugins: [ortWasm()],
  ssr: { noExternal: true, external: ['webgpu', 'vite', '@playwright/test'] },
  build: {
    ssr: true,
    outDir: 'dist-tools',
    // Every script rebuilds all the tools before running its own: emptying the folder would pull files from under
    // a tool already running from it (onnxruntime loads its wasm late). Files keep their names, so each build
    // rewrites what it made; bench-page/ is the page build's.
    emptyOutDir: false,
    target: 'node20',
    rollupOptions: {
      input: TOOLS,
      output: { format: 'es', entryFileNames: '[name].mjs', chunkFileNames: '[name].mjs' },
    },
  },
});
