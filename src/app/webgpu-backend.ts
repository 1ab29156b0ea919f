import type { DetectorOptions } from '../detect/detector';
import { FaceDetector } from '../detect/detector';
import { FaceModel, type ModelSpec, type Provider } from '../detect/model';
import type { Gpu } from '../gpu/device';
import type { FrameImportSource } from '../gpu/frame-import';
import type { GpuCensus } from '../gpu/resource-census';
import type { AnonymizeParams } from '../render/anonymize-plan';
import type { FrameSize } from '../core/types';
import {
  createDeviceResources,
  destroyDeviceResources,
  frameTargets,
  type DeviceResources,
  type OutputCanvas,
} from './device-resources';
import type { DrawnFrame, FrameBackend, LiveDetector } from './frame-backend';
import type { FrameMotion } from './motion-guard-pass';
import type { Settings } from './settings';

/** Live mode on WebGPU: compute passes, and a detector that preprocesses, decodes and suppresses on the GPU. */
export class WebGpuBackend implements FrameBackend {
  readonly kind = 'webgpu';
  readonly #res: DeviceResources;
  readonly #canvas: OutputCanvas;
  generation = 0;

  private constructor(res: DeviceResources, canvas: OutputCanvas) {
    this.#res = res;
    this.#canvas = canvas;
  }

  /** A device (counted by `census`) and its passes on `canvas`; `lost` hears of the device's loss. */
  static async create(
    canvas: OutputCanvas,
    settings: Pick<Settings, 'transparent' | 'frameImport'>,
    census: GpuCensus,
    lost: (reason: string) => void,
  ): Promise<WebGpuBackend> {
    const res = await createDeviceResources(canvas, settings, census, (_gpu: Gpu, info) =>
      lost(`${info.reason}: ${info.message}`),
    );
    return new WebGpuBackend(res, canvas);
  }

  get description(): string {
    return this.#res.gpu.description;
  }

  get importPath(): string {
    return this.#res.importer.path;
  }

  get software(): boolean {
    return this.#res.gpu.software;
  }

  get device(): GPUDevice {
    return this.#res.gpu.device;
  }

  get frameSize(): FrameSize | null {
    return this.#res.frame;
  }

  importFrame(source: FrameImportSource, width: number, height: number): Promise<void> | undefined {
    const before = this.#res.frame;
    const { frame } = frameTargets(this.#res, this.#canvas, width, height);
    if (frame !== before) this.generation++;
    return this.#res.importer.import(source, frame);
  }

  async whenReady(pictureSize: FrameSize): Promise<void> {
    // The guard's pass is not waited for: until it compiles, the CPU's guard judges alone, a frame late.
    await Promise.all([this.#res.anonymize.ready, this.#res.picture.ready(pictureSize)]);
  }

  draw(params: AnonymizeParams, pictureSize: FrameSize, motion: FrameMotion | null): DrawnFrame {
    const res = this.#res;
    const frame = res.frame!;
    const output = res.output!;
    const device = res.gpu.device;
    const encoder = device.createCommandEncoder({ label: 'render' });
    // The picture first: the guard judges this frame by it on the GPU; the tracker reads it back a frame or two
    // from now.
    const picture = res.picture.encode(encoder, frame, pictureSize);
    const guarded = picture !== null && motion !== null && res.guard.encode(encoder, picture, motion);
    res.anonymize.encode(encoder, frame, output, params);
    // Drawn over the faces' cover where the guard trips, and dispatching nothing where it does not.
    if (guarded && motion.resultCaptureMs !== null && !params.fullFrame) {
      res.guardCover.encode(encoder, frame, output, { ...params, fullFrame: true }, res.guard.args);
    }
    encoder.copyTextureToTexture({ texture: output }, { texture: res.context.getCurrentTexture() }, [
      frame.width,
      frame.height,
    ]);
    device.queue.submit([encoder.finish()]);
    return { picture: picture?.read?.() ?? null, done: device.queue.onSubmittedWorkDone() };
  }

  createModel(spec: ModelSpec, bytes: Uint8Array, provider: Provider): Promise<FaceModel> {
    return FaceModel.create(spec, bytes, provider, this.#res.gpu.device);
  }

  async makeDetector(model: FaceModel, options: Partial<DetectorOptions>): Promise<LiveDetector> {
    // Frames are blurred whole until every anonymize stage is compiled, so the detector waits for them too.
    const [detector] = await Promise.all([
      FaceDetector.create(this.#res.gpu.device, model, options),
      this.#res.anonymize.ready,
    ]);
    const res = this.#res;
    return {
      model,
      tileCosts: (w, h, side) => detector.tileCosts(w, h, side),
      detect: (maxTiles, side) => detector.detect(res.frame!, maxTiles, side),
      destroy: () => detector.destroy(),
    };
  }

  loseForTest(): void {
    this.#res.gpu.device.destroy();
  }

  destroy(): void {
    destroyDeviceResources(this.#res);
  }
}
