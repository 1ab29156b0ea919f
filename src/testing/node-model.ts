import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { configureOrt, FaceModel, type ModelSpec } from '../detect/model';
import { requestNodeDevice } from '../gpu/webgpu-node';

/** Path of a model's file in the repository (public/), for Node tools run from the repository root. */
export function nodeModelPath(spec: ModelSpec): string {
  const path = resolve('public', spec.url);
  if (!existsSync(path)) throw new Error(`model ${path} not found (run from the repository root)`);
  return path;
}

/** A Dawn device and a BlazeFace session on ORT's wasm provider (Node has no WebGPU provider), one thread. */
export async function openNodeModel(spec: ModelSpec): Promise<{ device: GPUDevice; model: FaceModel }> {
  const bytes = readFileSync(nodeModelPath(spec));
  configureOrt({ wasmThreads: 1 });
  const device = await requestNodeDevice();
  try {
    return { device, model: await FaceModel.create(spec, bytes, 'wasm') };
  } catch (e) {
    device.destroy();
    throw e;
  }
}
