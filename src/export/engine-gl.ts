import type { Detection, RgbaImage } from '../core/types';
import { CpuFaceDetector } from '../detect/cpu-detector';
import type { DetectorOptions, FileMedia } from '../detect/detector';
import type { FaceModel } from '../detect/model';
import { acquireGl, GlFrame, readCanvas, type Gl } from '../gpu/gl-context';
import type { FileEngine, FrameImage } from '../offline/frame-engine';
import { AnonymizeGl } from '../render/anonymize-gl';
import type { AnonymizeParams } from '../render/anonymize-plan';

/**
 * The export page's engine where the browser has no WebGPU: the WebGL2 anonymize pass on an offscreen canvas,
 * the detector on the CPU (CpuFaceDetector). One frame at a time, like FrameEngine; a lost context fails the file.
 */
export class GlFileEngine implements FileEngine {
  readonly importPath = 'webgl';
  readonly #canvas: OffscreenCanvas;
  readonly #gl: Gl;
  readonly #frame: GlFrame;
  readonly #pass: AnonymizeGl;
  readonly #detector: CpuFaceDetector;
  readonly #rules: Record<FileMedia, DetectorOptions>;

  /** `rules`: fileDetectorOptions. */
  constructor(model: FaceModel, rules: Record<FileMedia, DetectorOptions>) {
    this.#canvas = new OffscreenCanvas(1, 1);
    this.#gl = acquireGl(this.#canvas, false);
    this.#frame = new GlFrame(this.#gl.gl, { uploadOnce: this.#gl.software });
    this.#pass = new AnonymizeGl(this.#gl.gl);
    this.#detector = new CpuFaceDetector(model, rules.photo);
    this.#rules = rules;
  }

  get adapter(): string {
    return this.#gl.description;
  }

  get maxSide(): number {
    return this.#gl.gl.getParameter(this.#gl.gl.MAX_TEXTURE_SIZE) as number;
  }

  async detect(img: FrameImage, media: FileMedia): Promise<Detection[]> {
    let pixels: RgbaImage;
    if ('data' in img) pixels = img;
    else {
      this.#upload(img);
      pixels = this.#frame.read();
    }
    const dets = await this.#detector.detect(pixels, Infinity, undefined, this.#rules[media]);
    this.#check();
    return dets;
  }

  async render(img: FrameImage, params: AnonymizeParams): Promise<RgbaImage> {
    const { width, height } = img;
    this.#upload(img);
    if (this.#canvas.width !== width || this.#canvas.height !== height) {
      this.#canvas.width = width;
      this.#canvas.height = height;
    }
    this.#pass.draw(this.#frame, params);
    const out = readCanvas(this.#gl.gl, width, height);
    this.#check();
    return out;
  }

  #upload(img: FrameImage): void {
    this.#check();
    const source =
      'data' in img
        ? new ImageData(new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.byteLength), img.width)
        : img.source;
    this.#frame.import(source, img.width, img.height);
  }

  /** Fail closed: after a lost context no frame is trusted, and the file being written is abandoned. */
  #check(): void {
    if (this.#gl.gl.isContextLost()) throw new Error('WebGL error: the context was lost');
  }

  async destroy(): Promise<void> {
    this.#pass.destroy();
    this.#frame.destroy();
    await this.#detector.model.release();
  }
}
