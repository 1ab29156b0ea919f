// `npm run build:extension`: the Chromium extension (Manifest V3) in dist-extension/veil/, and the same zipped as
// dist-extension/veil-extension.zip. Each script is a classic script (content scripts and executeScript's files
// cannot be modules), so each is its own IIFE build. Run from the repository root. See src/extension/README.md.
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { zipSync } from 'fflate';
import { build } from 'vite';

const OUT = 'dist-extension/veil';
const ORT_DIST = 'node_modules/onnxruntime-web/dist/';
const SCRIPTS = ['page-hook', 'bridge', 'background', 'engine', 'popup'];

/**
 * A classic script has no import.meta. What reads import.meta.url here only builds URLs from it, which are never
 * fetched (the engine is handed its files): replaced, before Vite sees onnxruntime's `new URL('….wasm',
 * import.meta.url)`, by an address that is no asset, which also keeps Vite from inlining the 14 MB wasm as base64.
 */
function noImportMeta() {
  return {
    name: 'veil-extension-no-import-meta',
    enforce: 'pre',
    transform(code) {
      if (code.includes('import.meta.url')) return code.replaceAll('import.meta.url', '"chrome-extension://veil/"');
    },
  };
}

rmSync('dist-extension', { recursive: true, force: true });
for (const name of SCRIPTS) {
  await build({
    configFile: false,
    publicDir: false,
    logLevel: 'warn',
    plugins: [noImportMeta()],
    resolve: {
      // The engine runs onnxruntime on wasm only, from bytes it is handed (a site may forbid fetching them): the
      // bundle build carries its glue inside, so nothing is imported by URL; the WebGPU build is not shipped.
      alias: {
        'onnxruntime-web/wasm': `${process.cwd()}/${ORT_DIST}ort.wasm.bundle.min.mjs`,
        'onnxruntime-web/webgpu': `${process.cwd()}/${ORT_DIST}ort.wasm.bundle.min.mjs`,
      },
    },
    build: {
      outDir: OUT,
      emptyOutDir: false,
      target: 'es2022',
      lib: {
        entry: `src/extension/${name}.ts`,
        formats: ['iife'],
        name: `veil_${name.replace('-', '_')}`,
        fileName: () => `${name}.js`,
      },
    },
  });
}

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
const manifest = JSON.parse(readFileSync('src/extension/manifest.json', 'utf8'));
writeFileSync(join(OUT, 'manifest.json'), `${JSON.stringify({ ...manifest, version }, null, 2)}\n`);
cpSync('src/extension/popup.html', join(OUT, 'popup.html'));
cpSync('public/icons', join(OUT, 'icons'), { recursive: true });
mkdirSync(join(OUT, 'models'), { recursive: true });
for (const file of ['yunet_n_dynamic.onnx', 'LICENSE-yunet.txt', 'NOTICE-yunet.txt'])
  cpSync(join('public/models', file), join(OUT, 'models', file));
mkdirSync(join(OUT, 'ort'), { recursive: true });
cpSync(join(ORT_DIST, 'ort-wasm-simd-threaded.wasm'), join(OUT, 'ort', 'ort-wasm-simd-threaded.wasm'));

/** Every file under `dir`, by its path inside it. */
function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}
const zip = zipSync(Object.fromEntries(files(OUT).map((f) => [relative(OUT, f), readFileSync(f)])), { level: 9 });
writeFileSync('dist-extension/veil-extension.zip', zip);
console.log(
  `dist-extension/veil/ (load it unpacked) and dist-extension/veil-extension.zip (${(zip.length / 1e6).toFixed(1)} MB)`,
);
