import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FaceDetector } from '../detect/detector';
import { BLAZEFACE_BACK_256, configureOrt, FaceModel } from '../detect/model';
import { DEFAULT_TILE_PLAN, NO_TILES } from '../detect/tiling';
import type { Detection, RgbaImage } from '../detect/types';
import { readRgba } from '../gpu/readback';
import { requestNodeDevice } from '../node/webgpu-node';
import { AnonymizePass, type AnonymizeParams } from '../render/anonymize-pass';
import { CliError } from './errors';


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
 * The app's stages on one GPUDevice (Dawn: the GPU where there is one, SwiftShader otherwise): FaceDetector
 * with BlazeFace on onnxruntime-web's wasm provider (Node has no WebGPU provider), and AnonymizePass. One
 * frame at a time: detect() and render() each upload the frame into the same texture and settle before the next.
 */
export class FrameEngine {
  readonly adapter: string;
  #frame: GPUTexture | null = null;
  #output: GPUTexture | null = null;
  #gpuError: string | null = null;

  private constructor(
    private readonly device: GPUDevice,
    private readonly detector: FaceDetector,
    private readonly pass: AnonymizePass,
    info: GPUAdapterInfo,
  ) {
    this.adapter = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unknown adapter';
    device.addEventListener('uncapturederror', (ev) => { this.#gpuError ??= (ev as GPUUncapturedErrorEvent).error.message; });
    void device.lost.then((lost) => { if (lost.reason !== 'destroyed') this.#gpuError ??= `GPU device lost: ${lost.message}`; });
  }

  static async open(o: EngineOptions): Promise<FrameEngine> {
    // One thread: onnxruntime-web's threaded wasm fetches its files, which fails in Node 20 ("fetch failed").
    configureOrt({ wasmThreads: 1 });
    const bytes = readFileSync(modelPath());
    const device = await requestNodeDevice();
    try {
      const model = await FaceModel.create(BLAZEFACE_BACK_256, bytes, 'wasm');
      const detector = new FaceDetector(device, model, { threshold: o.threshold, tiles: o.tiles ? DEFAULT_TILE_PLAN : NO_TILES });
      return new FrameEngine(device, detector, new AnonymizePass(device), device.adapterInfo);
    } catch (e) {
      device.destroy();
      throw e;
    }
  }

  /** The largest frame side the GPU takes. */
  get maxSide(): number {
    return this.device.limits.maxTextureDimension2D;
  }

  #upload(img: RgbaImage): GPUTexture {
    this.#check();
    if (img.width > this.maxSide || img.height > this.maxSide) {
      throw new CliError(`frames of ${img.width}x${img.height} are larger than this GPU takes (${this.maxSide} px a side)`);
    }
    if (!this.#frame || this.#frame.width !== img.width || this.#frame.height !== img.height) {
      this.#frame?.destroy();
      this.#output?.destroy();
      const size = [img.width, img.height];
      // GPUTextureUsage exists once webgpu-node has installed Dawn's globals, not at module load.
      const frameUsage = GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST | GPUTextureUsage.RENDER_ATTACHMENT;
      this.#frame = this.device.createTexture({ label: 'cli-frame', size, format: 'rgba8unorm', usage: frameUsage });
      this.#output = this.device.createTexture({
        label: 'cli-anonymized', size, format: 'rgba8unorm', usage: GPUTextureUsage.STORAGE_BINDING | GPUTextureUsage.COPY_SRC,
      });
    }
    this.device.queue.writeTexture({ texture: this.#frame }, img.data, { bytesPerRow: img.width * 4 }, [img.width, img.height]);
    return this.#frame;
  }

  /** Fail closed: after any GPU error no frame is trusted, and the file being written is abandoned. */
  #check(): void {
    if (this.#gpuError) throw new Error(`WebGPU error: ${this.#gpuError}`);
  }

  /** Faces in the frame: the whole frame and every tile, as FaceDetector.detect. */
  async detect(img: RgbaImage): Promise<Detection[]> {
    const dets = await this.detector.detect(this.#upload(img));
    this.#check();
    return dets;
  }

  /** The frame with AnonymizePass applied. */
  async render(img: RgbaImage, params: AnonymizeParams): Promise<RgbaImage> {
    const frame = this.#upload(img);
    const encoder = this.device.createCommandEncoder({ label: 'cli-render' });
    this.pass.encode(encoder, frame, this.#output!, params);
    this.device.queue.submit([encoder.finish()]);
    const out = await readRgba(this.device, this.#output!);
    this.#check();
    return out;
  }

  async destroy(): Promise<void> {
    this.detector.destroy();
    this.pass.destroy();
    this.#frame?.destroy();
    this.#output?.destroy();
    await this.detector.model.release();
    this.device.destroy();
  }
}
