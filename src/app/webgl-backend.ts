import { CpuFaceDetector } from '../detect/cpu-detector';
import type { DetectorOptions } from '../detect/detector';
import { FaceModel, type ModelSpec, type Provider } from '../detect/model';
import { acquireGl, GlFrame, type Gl, type GlCanvas } from '../gpu/gl-context';
import type { FrameImportSource } from '../gpu/frame-import';
import { AnonymizeGl } from '../render/anonymize-gl';
import type { AnonymizeParams } from '../render/anonymize-plan';
import { PictureGl } from '../track/picture-gl';
import type { FrameSize } from '../core/types';
import type { GpuCensus } from '../gpu/resource-census';
import type { DrawnFrame, FrameBackend, LiveDetector } from './frame-backend';

/** How long a lost WebGL context may take to come back before the rebuild counts as failed (and is tried again). */
const RESTORE_TIMEOUT_MS = 10_000;

/**
 * Live mode on WebGL2, for browsers without WebGPU (Firefox, Safari before 26, Chromium where WebGPU is blocked) and
 * for machines where it draws faster (a software rasteriser): fragment-shader passes, and a detector on the CPU
 * (preprocessRef, onnxruntime's wasm provider, the CPU decode and NMS) fed by one read of the frame a detection.
 */
export class WebGlBackend implements FrameBackend {
  readonly kind = 'webgl';
  readonly importPath = 'webgl';
  readonly device = null;
  readonly #gl: Gl;
  readonly #canvas: GlCanvas;
  readonly #frame: GlFrame;
  readonly #anonymize: AnonymizeGl;
  readonly #picture: PictureGl;
  readonly #onLost: (e: Event) => void;

  private constructor(gl: Gl, canvas: GlCanvas, lost: (reason: string) => void) {
    this.#gl = gl;
    this.#canvas = canvas;
    this.#frame = new GlFrame(gl.gl, { uploadOnce: gl.software });
    this.#anonymize = new AnonymizeGl(gl.gl);
    this.#picture = new PictureGl(gl.gl);
    this.#onLost = (e: Event) => {
      // Asks the browser to restore the context: the rebuild waits for it.
      e.preventDefault();
      lost('the WebGL context was lost');
    };
    canvas.addEventListener('webglcontextlost', this.#onLost);
  }

  /** A WebGL2 context on `canvas` (its objects counted by `census`) and the passes on it; after a loss, once the browser has restored it. */
  static async create(
    canvas: GlCanvas,
    settings: { transparent: boolean },
    census: GpuCensus,
    lost: (reason: string) => void,
  ): Promise<WebGlBackend> {
    let gl = acquireGl(canvas, settings.transparent);
    if (gl.gl.isContextLost()) {
      await restored(canvas);
      // A lost context names no renderer: ask again.
      gl = acquireGl(canvas, settings.transparent);
    }
    census.watchGl(gl.gl, canvas);
    return new WebGlBackend(gl, canvas, lost);
  }

  get description(): string {
    return this.#gl.description;
  }

  get software(): boolean {
    return this.#gl.software;
  }

  get frameSize(): FrameSize | null {
    return this.#frame.target;
  }

  get generation(): number {
    return this.#frame.generation;
  }

  importFrame(source: FrameImportSource, width: number, height: number): undefined {
    const before = this.#frame.generation;
    this.#frame.import(source, width, height);
    if (this.#frame.generation !== before) {
      this.#canvas.width = width;
      this.#canvas.height = height;
    }
    return undefined;
  }

  pictureNow(pictureSize: FrameSize): Float32Array {
    return this.#picture.read(this.#frame.raw!, pictureSize);
  }

  draw(params: AnonymizeParams): DrawnFrame {
    this.#anonymize.draw(this.#frame, params);
    return { picture: null, done: Promise.resolve() };
  }

  createModel(spec: ModelSpec, bytes: Uint8Array, provider: Provider): Promise<FaceModel> {
    if (provider !== 'wasm') throw new Error(`the WebGL2 backend runs the detector on wasm, not ${provider}`);
    return FaceModel.create(spec, bytes, 'wasm');
  }

  /** WebGL compiles its programs when the backend is made: nothing is left to wait for. */
  whenReady(): Promise<void> {
    return Promise.resolve();
  }

  makeDetector(model: FaceModel, options: Partial<DetectorOptions>): Promise<LiveDetector> {
    const detector = new CpuFaceDetector(model, options);
    return Promise.resolve({
      model,
      tileCosts: (w, h, side) => detector.tileCosts(w, h, side),
      detect: (maxTiles, side) => detector.detect(this.#frame.read(), maxTiles, side),
      destroy: () => undefined,
    });
  }

  loseForTest(): void {
    const lose = this.#gl.gl.getExtension('WEBGL_lose_context');
    if (!lose) return;
    // A real loss is followed by the browser's restore; WEBGL_lose_context leaves that to the caller.
    this.#canvas.addEventListener('webglcontextlost', () => setTimeout(() => lose.restoreContext()), { once: true });
    lose.loseContext();
  }

  destroy(): void {
    this.#canvas.removeEventListener('webglcontextlost', this.#onLost);
    this.#frame.destroy();
    this.#anonymize.destroy();
    this.#picture.destroy();
  }
}

function restored(canvas: GlCanvas): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      canvas.removeEventListener('webglcontextrestored', done);
      reject(new Error(`the WebGL context was not restored within ${RESTORE_TIMEOUT_MS / 1000} s`));
    }, RESTORE_TIMEOUT_MS);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    canvas.addEventListener('webglcontextrestored', done, { once: true });
  });
}
