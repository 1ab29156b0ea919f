import { availableParallelism } from 'node:os';
import { configureOrt } from './model';

/**
 * onnxruntime-web as Node's tools (the CLI, the image eval) run it: the package's Node build, whose wasm runs its
 * threads on Node's worker threads (the browser build's would fetch a worker script, which Node cannot), one per
 * core up to four; returns how many. Unlike live mode, nothing runs beside a file's inference: its GPU work (Dawn)
 * comes before it. On this 2-core machine two threads took `npm run eval` from 302 to 277 ms an image on WIDER and
 * from 85 to 74 on dlib's photos (2026-12-07): the rest is the preprocess and readback on SwiftShader.
 */
export function configureOrtForNode(threads = Math.min(4, availableParallelism())): number {
  configureOrt({ wasmRuntime: () => import('onnxruntime-web'), wasmThreads: threads });
  return threads;
}
