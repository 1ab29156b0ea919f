import { timeModel, tryFasterProvider } from '../app/provider-choice';
import { FaceDetector, fileDetectorOptions, type DetectorChoices } from '../detect/detector';
import { configureOrt, DEFAULT_MODEL, FaceModel, fetchModel, MODELS, type ModelName } from '../detect/model';
import { acquireGpu } from '../gpu/device';
import { chooseImportPath, type FrameImportPreference } from '../gpu/frame-import';
import { FrameEngine, type FileEngine } from '../offline/frame-engine';
import { AnonymizePass } from '../render/anonymize-pass';
import type { BackendPreference } from '../app/frame-backend';
import { chooseBackend, withoutWebGpu } from '../app/backend-choice';
import { GlFileEngine } from './engine-gl';

export interface OpenedEngine {
  engine: FileEngine;
  /** The detector's execution provider, and why, for the status line. */
  provider: string;
}

/**
 * The export page's engine on the backend live mode would choose (`?backend=`, chooseBackend): GlFileEngine on
 * WebGL2, or FrameEngine on the app's GPU device with the face model and AnonymizePass. Offline there is no frame
 * budget, so every detection runs at the model's most accurate input size (YuNet: each frame at its own size),
 * a photo with its rule and a video's frames with video's (fileDetectorOptions), with the user's model, threshold and tiles (`?model=`, `?threshold=`, `?tiles=`, as in live mode). The provider is chosen as live
 * mode does: wasm first, and WebGPU instead where it measures faster; never on a software adapter, where WebGPU
 * inference is CPU work too and compiling its shaders takes many seconds.
 */
export async function openEngine(
  frameImport: FrameImportPreference,
  modelName: ModelName = DEFAULT_MODEL,
  choices: DetectorChoices = {},
  backend: BackendPreference = 'auto',
): Promise<OpenedEngine> {
  // Veil's own build: the page stays responsive (progress, cancel) while a frame is detected in ort's worker.
  configureOrt({ wasmPaths: new URL(`${import.meta.env.BASE_URL}ort/`, location.href).href, proxy: true });
  // As live mode chooses: WebGL2 where there is no WebGPU, or where it draws faster on a software adapter.
  const { kind, why } = await chooseBackend(backend);
  if (kind === 'webgl') return withoutWebGpu(() => openGlEngine(modelName, choices, why), why);
  const gpu = await acquireGpu();
  const spec = MODELS[modelName];
  try {
    const bytes = await fetchModel(spec);
    let model = await FaceModel.create(spec, bytes, 'wasm', gpu.device);
    let provider = 'wasm (software GPU: webgpu not tried)';
    if (!gpu.software) {
      const current = await timeModel(model, gpu.device);
      const { model: faster, timing } = await tryFasterProvider(spec, bytes, gpu.device, current);
      provider = `${faster ? timing.provider : current.provider} (measured: wasm vs webgpu)`;
      if (faster) {
        await model.release();
        model = faster;
      }
    }
    const rules = fileDetectorOptions(spec, choices);
    const detector = await FaceDetector.create(gpu.device, model, rules.photo);
    const importPath = chooseImportPath(frameImport, gpu.software);
    return {
      engine: new FrameEngine(
        gpu.device,
        detector,
        rules,
        await AnonymizePass.create(gpu.device),
        gpu.description,
        importPath,
      ),
      provider,
    };
  } catch (e) {
    gpu.device.destroy();
    throw e;
  }
}

/** The WebGL2 engine: the detector on wasm (there is no device for WebGPU inference to share). */
async function openGlEngine(modelName: ModelName, choices: DetectorChoices, why: string): Promise<OpenedEngine> {
  const spec = MODELS[modelName];
  const model = await FaceModel.create(spec, await fetchModel(spec), 'wasm');
  try {
    const engine = new GlFileEngine(model, fileDetectorOptions(spec, choices));
    return { engine, provider: `wasm (WebGL2: ${why})` };
  } catch (e) {
    await model.release();
    throw e;
  }
}
