import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FaceDetector, fileDetectorOptions } from '../detect/detector';
import { DEFAULT_MODEL, FaceModel, MODELS, type ModelName } from '../detect/model';
import { configureOrtForNode } from '../detect/ort-node';
import { requestNodeDevice } from '../gpu/webgpu-node';
import { FrameEngine } from '../offline/frame-engine';
import { AnonymizePass } from '../render/anonymize-pass';

export interface EngineOptions {
  model: ModelName;
  /** Undefined: the model's defaults. */
  threshold?: number;
  tiles?: boolean;
}

/**
 * The model file, found from this module upwards: beside the repository's public/ whether this runs from
 * src/cli (tests) or from the bundle in dist-cli/.
 */
export function modelPath(url = MODELS[DEFAULT_MODEL].url): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++, dir = dirname(dir)) {
    const path = join(dir, 'public', url);
    if (existsSync(path)) return path;
  }
  throw new Error(`the face model ${url} was not found under public/ (is this a complete checkout of veil?)`);
}

/**
 * The app's stages on Dawn (the GPU where there is one, SwiftShader otherwise): FaceDetector on onnxruntime-web's
 * wasm provider (Node has no WebGPU provider), each frame at its own size (offline has no frame budget) with the
 * rule for a photo or a video's frames (fileDetectorOptions), and AnonymizePass.
 */
export async function openEngine(o: EngineOptions): Promise<FrameEngine> {
  configureOrtForNode();
  const spec = MODELS[o.model];
  const bytes = readFileSync(modelPath(spec.url));
  const device = await requestNodeDevice();
  try {
    const model = await FaceModel.create(spec, bytes, 'wasm');
    const tiles = o.tiles === undefined ? 'auto' : o.tiles ? 'on' : 'off';
    const rules = fileDetectorOptions(spec, { tiles, threshold: o.threshold });
    const detector = await FaceDetector.create(device, model, rules.photo);
    const info = device.adapterInfo;
    const adapter = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unknown adapter';
    return new FrameEngine(device, detector, rules, await AnonymizePass.create(device), adapter);
  } catch (e) {
    device.destroy();
    throw e;
  }
}
