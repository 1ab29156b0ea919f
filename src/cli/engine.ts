import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FaceDetector } from '../detect/detector';
import { BLAZEFACE_BACK_256, configureOrt, FaceModel } from '../detect/model';
import { DEFAULT_TILE_PLAN, NO_TILES } from '../detect/tiling';
import { requestNodeDevice } from '../node/webgpu-node';
import { FrameEngine } from '../offline/frame-engine';
import { AnonymizePass } from '../render/anonymize-pass';

export interface EngineOptions {
  threshold: number;
  tiles: boolean;
}

/**
 * The model file, found from this module upwards: beside the repository's public/ whether this runs from
 * src/cli (tests) or from the bundle in dist-cli/.
 */
export function modelPath(url = BLAZEFACE_BACK_256.url): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++, dir = dirname(dir)) {
    const path = join(dir, 'public', url);
    if (existsSync(path)) return path;
  }
  throw new Error(`the face model ${url} was not found under public/ (is this a complete checkout of veil?)`);
}

/**
 * The app's stages on Dawn (the GPU where there is one, SwiftShader otherwise): FaceDetector with BlazeFace on
 * onnxruntime-web's wasm provider (Node has no WebGPU provider), and AnonymizePass.
 */
export async function openEngine(o: EngineOptions): Promise<FrameEngine> {
  // One thread: onnxruntime-web's threaded wasm fetches its files, which fails in Node 20 ("fetch failed").
  configureOrt({ wasmThreads: 1 });
  const bytes = readFileSync(modelPath());
  const device = await requestNodeDevice();
  try {
    const model = await FaceModel.create(BLAZEFACE_BACK_256, bytes, 'wasm');
    const detector = new FaceDetector(device, model, { threshold: o.threshold, tiles: o.tiles ? DEFAULT_TILE_PLAN : NO_TILES });
    const info = device.adapterInfo;
    const adapter = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unknown adapter';
    return new FrameEngine(device, detector, new AnonymizePass(device), adapter);
  } catch (e) {
    device.destroy();
    throw e;
  }
}
