import { acquireGpu, type Gpu } from '../gpu/device';
import { chooseImportPath, FrameImporter, frameTextureUsage } from '../gpu/frame-import';
import type { GpuCensus } from '../gpu/resource-census';
import { ThumbnailPass } from '../track/thumbnail-pass';
import { AnonymizePass, INDIRECT_ARGS_BYTES } from '../render/anonymize-pass';
import { MotionGuardPass } from './motion-guard-pass';
import type { Settings } from './settings';
import { LostWhileSettingUpError } from './errors';

/**
 * What the anonymized frame is written, copied and read as. A function, as every WebGPU global is read only when
 * used: a browser without WebGPU has no GPUTextureUsage, and reading it while the page's modules load would throw
 * before the page could say what is missing.
 */
function outputTextureUsage(): GPUTextureUsageFlags {
  return GPUTextureUsage.STORAGE_BINDING | GPUTextureUsage.COPY_SRC | GPUTextureUsage.TEXTURE_BINDING;
}

/** Where the live loop shows its frames: a page's canvas, or a worker's. */
export type OutputCanvas = HTMLCanvasElement | OffscreenCanvas;

/** Everything the live loop keeps on one GPUDevice; rebuilt as a whole when the device is lost. */
export interface DeviceResources {
  gpu: Gpu;
  context: GPUCanvasContext;
  importer: FrameImporter;
  anonymize: AnonymizePass;
  /**
   * The tracker's picture of each frame (lumaSize()), where it looks for faces between detections; the motion
   * guard's thumbnail is made from it.
   */
  picture: ThumbnailPass;
  /** The motion guard on the GPU, and the whole-frame cover it dispatches on a frame it trips on. */
  guard: MotionGuardPass;
  guardCover: AnonymizePass;
  frame: GPUTexture | null;
  output: GPUTexture | null;
}

/** The frame as imported, and the anonymized frame the canvas is copied from. */
export interface FrameTargets {
  frame: GPUTexture;
  output: GPUTexture;
}

/**
 * A device (counted by `census`) and what the live loop draws with on it, the canvas configured for it.
 * `lost` hears of the device's loss.
 */
export async function createDeviceResources(
  canvas: OutputCanvas,
  settings: Pick<Settings, 'transparent' | 'frameImport'>,
  census: GpuCensus,
  lost: (gpu: Gpu, info: GPUDeviceLostInfo) => void,
): Promise<DeviceResources> {
  const gpu = await acquireGpu();
  census.watch(gpu.device);
  const context = canvas.getContext('webgpu');
  if (!context) throw new Error('The output canvas refused a WebGPU context.');
  // Transparent output (OBS overlays) is premultiplied by the anonymize pass; otherwise the canvas is opaque.
  const alphaMode = settings.transparent ? 'premultiplied' : 'opaque';
  context.configure({ device: gpu.device, format: 'rgba8unorm', usage: GPUTextureUsage.COPY_DST, alphaMode });
  let lostWhileSettingUp: string | null = null;
  void gpu.device.lost.then((info) => {
    lostWhileSettingUp = info.message || info.reason || 'lost';
    lost(gpu, info);
  });
  gpu.device.addEventListener('uncapturederror', (ev) =>
    console.error('WebGPU error:', (ev as GPUUncapturedErrorEvent).error.message),
  );
  // Frames start blurred whole: that cover's stages are waited for, the per-face ones go on compiling (the detector
  // waits for them: FrameBackend.makeDetector).
  const anonymize = new AnonymizePass(gpu.device);
  let failed: unknown = null;
  await anonymize.wholeFrameReady.catch((e: unknown) => (failed = e));
  // The loss is heard before there are resources to rebuild: whoever sets them up tries again instead.
  if (lostWhileSettingUp !== null || failed !== null) {
    anonymize.destroy();
    gpu.device.destroy();
    throw lostWhileSettingUp !== null ? new LostWhileSettingUpError(lostWhileSettingUp) : failed;
  }
  return {
    gpu,
    context,
    importer: new FrameImporter(gpu.device, chooseImportPath(settings.frameImport, gpu.software)),
    anonymize,
    picture: new ThumbnailPass(gpu.device),
    guard: new MotionGuardPass(gpu.device, INDIRECT_ARGS_BYTES),
    guardCover: new AnonymizePass(gpu.device, { pipelinesOf: anonymize }),
    frame: null,
    output: null,
  };
}

/** The frame and output textures for a frame of this size, made anew (and the canvas resized) when it changes. */
export function frameTargets(res: DeviceResources, canvas: OutputCanvas, width: number, height: number): FrameTargets {
  if (!res.frame || res.frame.width !== width || res.frame.height !== height) {
    res.frame?.destroy();
    res.output?.destroy();
    const device = res.gpu.device;
    res.frame = device.createTexture({
      label: 'camera-frame',
      size: [width, height],
      format: 'rgba8unorm',
      usage: frameTextureUsage(),
    });
    res.output = device.createTexture({
      label: 'anonymized-frame',
      size: [width, height],
      format: 'rgba8unorm',
      usage: outputTextureUsage(),
    });
    canvas.width = width;
    canvas.height = height;
  }
  return { frame: res.frame, output: res.output! };
}

/** Frees the passes and textures and destroys the device. */
export function destroyDeviceResources(res: DeviceResources): void {
  res.anonymize.destroy();
  res.picture.destroy();
  res.guard.destroy();
  res.guardCover.destroy();
  res.frame?.destroy();
  res.output?.destroy();
  res.gpu.device.destroy();
}
