import { readFileSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { defineConfig, type Plugin } from 'vite';

// Bundles the CLI for Node (bin/veil.mjs builds it on first use): Vite inlines the `?raw` WGSL imports exactly
// as in the app and leaves node_modules (onnxruntime-web, webgpu) as imports that Node resolves. Run from the
// repository root; VEIL_CLI_OUT_DIR lets bin/veil.mjs build into a fresh folder and rename the result into place.
const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

/** Writes veil.inputs.json beside the bundle: the source files it was built from, so bin/veil.mjs rebuilds when one changes. */
function listInputs(): Plugin {
  return {
    name: 'veil-inputs',
    generateBundle() {
      const files = [...this.getModuleIds()]
        .map((id) => id.replace(/\?.*$/, ''))
        .filter((id) => isAbsolute(id) && !id.includes('/node_modules/'))
        .map((id) => relative(process.cwd(), id).split('\\').join('/'));
      const inputs = [...new Set([...files, 'package.json', 'src/cli/vite.config.ts'])].sort();
      this.emitFile({ type: 'asset', fileName: 'veil.inputs.json', source: `${JSON.stringify(inputs, null, 1)}\n` });
    },
  };
}

export default defineConfig({
  publicDir: false,
  logLevel: 'warn',
  define: { __VEIL_VERSION__: JSON.stringify(version) },
  plugins: [listInputs()],
  build: {
    ssr: 'src/cli/veil.ts',
    outDir: process.env.VEIL_CLI_OUT_DIR ?? 'dist-cli',
    emptyOutDir: true,
    target: 'node20',
  },
});
