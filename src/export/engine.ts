import { timeModel, tryFasterProvider } from '../app/provider-choice';
import { FaceDetector } from '../detect/detector';
import { BLAZEFACE_BACK_256, configureOrt, FaceModel, fetchModel } from '../detect/model';
import { DEFAULT_TILE_PLAN } from '../detect/tiling';
import { acquireGpu } from '../gpu/device';
import { chooseImportPath, type FrameImportPreference } from '../gpu/frame-import';
import { FrameEngine } from '../offline/frame-engine';
import { AnonymizePass } from '../render/anonymize-pass';

export interface OpenedEngine {
  engine: FrameEngine;
  /** The detector's execution provider, and why, for the status line. */
  provider: string;
}

/**
 * The browser's FrameEngine: the app's GPU device, BlazeFace and AnonymizePass. Offline there is no frame budget,
 * so every detection runs the whole frame and all its tiles (DEFAULT_TILE_PLAN). The provider is chosen as live
 * mode does: wasm first, and WebGPU instead where it measures faster; never on a software adapter, where WebGPU
 * inference is CPU work too and compiling its shaders takes many seconds.
 */
export async function openEngine(frameImport: FrameImportPreference): Promise<OpenedEngine> {
  configureOrt({ wasmPaths: new URL(`${import.meta.env.BASE_URL}ort/`, location.href).href });
  const gpu = await acquireGpu();
  try {
    const bytes = await fetchModel(BLAZEFACE_BACK_256);
    let model = await FaceModel.create(BLAZEFACE_BACK_256, bytes, 'wasm', gpu.device);
    let provider = 'wasm (software GPU: webgpu not tried)';
    if (!gpu.software) {
      const current = await timeModel(model, gpu.device);
      const { model: faster, timing } = await tryFasterProvider(BLAZEFACE_BACK_256, bytes, gpu.device, current);
      provider = `${faster ? timing.provider : current.provider} (measured: wasm vs webgpu)`;
      if (faster) {
        await model.release();
        model = faster;
      }
    }
    const detector = new FaceDetector(gpu.device, model, { tiles: DEFAULT_TILE_PLAN });
    const importPath = chooseImportPath(frameImport, gpu.software);
    return { engine: new FrameEngine(gpu.device, detector, new AnonymizePass(gpu.device), gpu.description, importPath), provider };
  } catch (e) {
    gpu.device.destroy();
    throw e;
  }
}
