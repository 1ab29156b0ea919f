import type { DetectorOptions, FaceDetector, FileMedia } from '../detect/detector';
import type { Detection, RgbaImage } from '../core/types';
import { FrameImporter, frameTextureUsage, type FrameImportPath, type FrameImportSource } from '../gpu/frame-import';
import { readRgba } from '../gpu/readback';
import type { AnonymizeParams, AnonymizePass } from '../render/anonymize-pass';

/** A frame to work on: RGBA bytes (Node, ffmpeg), or a browser's picture (imported as live mode does). */
export type FrameImage = RgbaImage | { source: FrameImportSource; width: number; height: number };

/** The frame does not fit in this GPU's textures. */
export class FrameTooLargeError extends Error {
  constructor(
    width: number,
    height: number,
    readonly maxSide: number,
  ) {
    super(`frames of ${width}x${height} are larger than this GPU takes (${maxSide} px a side)`);
    this.name = 'FrameTooLargeError';
  }
}

/**
 * What the CLI and the export page work with: detection and the anonymize pass on one frame at a time. FrameEngine
 * is WebGPU's (and Dawn's); the export page has a WebGL2 one for browsers without WebGPU.
 */
export interface FileEngine {
  /** Human-readable adapter or renderer name. */
  readonly adapter: string;
  /** The largest frame side the GPU takes. */
  readonly maxSide: number;
  /** How browser pictures reach the GPU, for the status line. */
  readonly importPath: string;
  /** Faces in a photo or a video's frame, with its rule (fileDetectorOptions): the whole frame and every tile of it. */
  detect(img: FrameImage, media: FileMedia): Promise<Detection[]>;
  /** The frame anonymized. */
  render(img: FrameImage, params: AnonymizeParams): Promise<RgbaImage>;
  destroy(): Promise<void>;
}

/**
 * The app's stages for files, on one GPUDevice: FaceDetector and AnonymizePass, one frame at a time (detect()
 * and render() each upload the frame into the same texture and settle before the next). Shared by the command
 * line (Dawn) and the browser's export page.
 */
export class FrameEngine implements FileEngine {
  #frame: GPUTexture | null = null;
  #output: GPUTexture | null = null;
  #gpuError: string | null = null;
  readonly #importer: FrameImporter;
  readonly #device: GPUDevice;
  readonly #detector: FaceDetector;
  readonly #rules: Record<FileMedia, DetectorOptions>;
  readonly #pass: AnonymizePass;

  constructor(
    device: GPUDevice,
    detector: FaceDetector,
    /** fileDetectorOptions: the detector's rule for a photo and for a video's frames. */
    rules: Record<FileMedia, DetectorOptions>,
    pass: AnonymizePass,
    /** Human-readable adapter name. */
    readonly adapter: string,
    /** How browser pictures reach the GPU (chooseImportPath); RGBA bytes are written as they are. */
    importPath: FrameImportPath = 'gpu',
  ) {
    this.#device = device;
    this.#detector = detector;
    this.#rules = rules;
    this.#pass = pass;
    this.#importer = new FrameImporter(device, importPath);
    device.addEventListener('uncapturederror', (ev) => {
      this.#gpuError ??= (ev as GPUUncapturedErrorEvent).error.message;
    });
    void device.lost.then((lost) => {
      if (lost.reason !== 'destroyed') this.#gpuError ??= `GPU device lost: ${lost.message}`;
    });
  }

  /** The largest frame side the GPU takes. */
  get maxSide(): number {
    return this.#device.limits.maxTextureDimension2D;
  }

  /** How browser pictures reach the GPU now (the CPU path falls back to the GPU copy where a browser refuses it). */
  get importPath(): FrameImportPath {
    return this.#importer.path;
  }

  async #upload(img: FrameImage): Promise<GPUTexture> {
    this.#check();
    const { width, height } = img;
    if (width > this.maxSide || height > this.maxSide) throw new FrameTooLargeError(width, height, this.maxSide);
    if (!this.#frame || this.#frame.width !== width || this.#frame.height !== height) {
      this.#frame?.destroy();
      this.#output?.destroy();
      const size = [width, height];
      this.#frame = this.#device.createTexture({
        label: 'file-frame',
        size,
        format: 'rgba8unorm',
        usage: frameTextureUsage(),
      });
      this.#output = this.#device.createTexture({
        label: 'file-anonymized',
        size,
        format: 'rgba8unorm',
        usage: GPUTextureUsage.STORAGE_BINDING | GPUTextureUsage.COPY_SRC,
      });
    }
    if ('data' in img) {
      this.#device.queue.writeTexture({ texture: this.#frame }, img.data, { bytesPerRow: width * 4 }, [width, height]);
    } else {
      await this.#importer.import(img.source, this.#frame);
    }
    return this.#frame;
  }

  /** Fail closed: after any GPU error no frame is trusted, and the file being written is abandoned. */
  #check(): void {
    if (this.#gpuError) throw new Error(`WebGPU error: ${this.#gpuError}`);
  }

  /** Faces in the frame, as FaceDetector.detect with the rule for `media`. */
  async detect(img: FrameImage, media: FileMedia): Promise<Detection[]> {
    const frame = await this.#upload(img);
    const dets = await this.#detector.detect(frame, Infinity, undefined, this.#rules[media]);
    this.#check();
    return dets;
  }

  /** The frame with AnonymizePass applied. */
  async render(img: FrameImage, params: AnonymizeParams): Promise<RgbaImage> {
    const frame = await this.#upload(img);
    const encoder = this.#device.createCommandEncoder({ label: 'file-render' });
    this.#pass.encode(encoder, frame, this.#output!, params);
    this.#device.queue.submit([encoder.finish()]);
    const out = await readRgba(this.#device, this.#output!);
    this.#check();
    return out;
  }

  async destroy(): Promise<void> {
    this.#detector.destroy();
    this.#pass.destroy();
    this.#frame?.destroy();
    this.#output?.destroy();
    await this.#detector.model.release();
    this.#device.destroy();
  }
}
