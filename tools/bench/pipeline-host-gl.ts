import type { Detection } from '../../src/core/types';
import { CpuFaceDetector } from '../../src/detect/cpu-detector';
import type { FaceModel } from '../../src/detect/model';
import { acquireGl, GlFrame, type Gl } from '../../src/gpu/gl-context';
import { AnonymizeGl } from '../../src/render/anonymize-gl';
import type { AnonymizeParams } from '../../src/render/anonymize-plan';
import { lumaSize } from '../../src/track/patch-motion';
import { PictureGl } from '../../src/track/picture-gl';
import {
  benchDetectorOptions,
  benchLoop,
  type PipelineBenchOptions,
  type PipelineBenchResult,
  type PipelineHost,
  type PipelineStage,
} from './pipeline-bench';
import { StageClock } from './stage-clock';

/**
 * The live path on the WebGL2 backend, as live mode runs it (WebGlBackend): texSubImage2D of each frame, the frame
 * read back and detected on the CPU (preprocessRef, wasm, the CPU decode and NMS), the picture drawn and read,
 * AnonymizeGl on an offscreen canvas. GL work is timed by wall clock up to a one-pixel read, which waits for it.
 * `device` only keeps the bench's clock (its CPU marks); nothing of this backend runs on it.
 */
export function runGlPipelineBench(
  device: GPUDevice,
  model: FaceModel,
  frames: readonly ImageBitmap[],
  o: PipelineBenchOptions,
): Promise<PipelineBenchResult> {
  const clock = new StageClock<PipelineStage>(device, { timestamps: false, gpuSpans: [] });
  const { width, height } = frames[0]!;
  return benchLoop(clock, new WebGlHost(model, frames, clock, o), model, { width, height }, o);
}

class WebGlHost implements PipelineHost {
  readonly backend = 'webgl';
  readonly importKind = 'texSubImage2D';
  readonly input: { width: number; height: number };
  readonly cropsPerFrame: number;
  readonly #frames: readonly ImageBitmap[];
  readonly #clock: StageClock<PipelineStage>;
  readonly #gl: Gl;
  readonly #frame: GlFrame;
  readonly #anonymize: AnonymizeGl;
  readonly #picture: PictureGl;
  readonly #detector: CpuFaceDetector;
  readonly #pixel = new Uint8Array(4);

  constructor(
    model: FaceModel,
    frames: readonly ImageBitmap[],
    clock: StageClock<PipelineStage>,
    o: PipelineBenchOptions,
  ) {
    const { width, height } = frames[0]!;
    this.#frames = frames;
    this.#clock = clock;
    this.#gl = acquireGl(new OffscreenCanvas(width, height), false);
    this.#frame = new GlFrame(this.#gl.gl, { uploadOnce: this.#gl.software });
    this.#anonymize = new AnonymizeGl(this.#gl.gl);
    this.#picture = new PictureGl(this.#gl.gl);
    this.#detector = new CpuFaceDetector(model, benchDetectorOptions(model.spec, { width, height }, o), clock);
    this.input = this.#detector.crops(width, height)[0]!.input;
    this.cropsPerFrame = 1 + Math.min(o.tilesPerFrame, this.#detector.tileCosts(width, height).length);
  }

  /** Waits for the GL's queued work: a read needs it done. */
  #finish(): void {
    const gl = this.#gl.gl;
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, this.#pixel);
  }

  async importFrame(index: number): Promise<void> {
    const bitmap = this.#frames[index % this.#frames.length]!;
    this.#clock.mark('import', 'begin');
    this.#frame.import(bitmap, bitmap.width, bitmap.height);
    this.#finish();
    this.#clock.mark('import', 'end');
  }

  detect(tilesPerFrame: number): Promise<Detection[]> {
    this.#clock.mark('readback', 'begin');
    const pixels = this.#frame.read();
    this.#clock.mark('readback', 'end');
    return this.#detector.detect(pixels, tilesPerFrame);
  }

  async picture(): Promise<Float32Array> {
    this.#clock.mark('picture', 'begin');
    const cells = this.#picture.read(this.#frame.raw!, lumaSize(this.#frame.raw!));
    this.#clock.mark('picture', 'end');
    return cells;
  }

  async anonymize(params: AnonymizeParams): Promise<void> {
    this.#clock.mark('anonymize', 'begin');
    this.#anonymize.draw(this.#frame, params);
    this.#finish();
    this.#clock.mark('anonymize', 'end');
  }

  destroy(): void {
    this.#anonymize.destroy();
    this.#picture.destroy();
    this.#frame.destroy();
    this.#gl.gl.getExtension('WEBGL_lose_context')?.loseContext();
  }
}
