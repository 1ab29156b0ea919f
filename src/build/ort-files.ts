import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** onnxruntime-web's builds, as installed. */
export const ORT_DIST = fileURLToPath(new URL('../../node_modules/onnxruntime-web/dist/', import.meta.url));

/**
 * The wasm and its glue of onnxruntime-web's plain (wasm provider) and asyncify (WebGPU provider) builds: what its
 * non-bundle builds load by URL. The app, the library and the Node tools each serve or ship these four.
 */
export const ORT_RUNTIME = [
  'ort-wasm-simd-threaded.asyncify.mjs',
  'ort-wasm-simd-threaded.asyncify.wasm',
  'ort-wasm-simd-threaded.mjs',
  'ort-wasm-simd-threaded.wasm',
] as const;

/** Each runtime file as a build asset, named by `fileName(file)`. */
export function ortRuntimeAssets(fileName: (file: string) => string): { fileName: string; source: Buffer }[] {
  return ORT_RUNTIME.map((file) => ({ fileName: fileName(file), source: readFileSync(ORT_DIST + file) }));
}

/**
 * onnxruntime-web's non-bundle builds for the two providers: they load their wasm glue by URL (from `wasmPaths`),
 * where the ".bundle" builds would inline it into our chunk and start its wasm threads' workers from that chunk.
 */
export const ORT_ALIASES = {
  'onnxruntime-web/webgpu': `${ORT_DIST}ort.webgpu.min.mjs`,
  'onnxruntime-web/wasm': `${ORT_DIST}ort.wasm.min.mjs`,
};
