import type { Detection, FrameSize } from '../core/types';
import type { DetectorOptions } from '../detect/detector';
import type { FaceModel, ModelSpec, Provider } from '../detect/model';
import type { FrameImportSource } from '../gpu/frame-import';
import type { AnonymizeParams } from '../render/anonymize-plan';
import type { FrameMotion } from './motion-guard-pass';

/** The two ways live mode draws: compute shaders on WebGPU, or fragment shaders on WebGL2. */
export type BackendKind = 'webgpu' | 'webgl';
export type BackendPreference = 'auto' | BackendKind;
export const BACKEND_CHOICES: readonly BackendPreference[] = ['auto', 'webgpu', 'webgl'];

/** A detector on one backend, reading the frame that backend imported last. */
export interface LiveDetector {
  readonly model: FaceModel;
  tileCosts(width: number, height: number, inputSide: number | undefined): number[];
  /**
   * Detects faces in the frame imported last: the whole frame and `maxTiles` tiles (FaceDetector.detect). What it
   * needs of the frame is taken before it returns, so the next frame may be imported at once.
   */
  detect(maxTiles: number, inputSide: number | undefined): Promise<Detection[]>;
  destroy(): void;
}

/** What drawing one frame started: the tracker's picture of it, read when ready, and the GPU's end of the work. */
export interface DrawnFrame {
  /** Null where the backend gave the picture before drawing (FrameBackend.pictureNow). */
  picture: Promise<Float32Array> | null;
  done: Promise<void>;
}

/**
 * Everything live mode keeps on one graphics context: the camera frame's texture, the anonymize and picture passes,
 * the canvas they draw on, and the models that share the context. Rebuilt as a whole when the context is lost.
 * One pipeline (LivePipeline) drives either backend; every decision (plan, tracker, fail-closed rules) is shared.
 */
export interface FrameBackend {
  readonly kind: BackendKind;
  /** The adapter or renderer, for the status line. */
  readonly description: string;
  /** How frames reach the context, for the status line. */
  readonly importPath: string;
  /** A CPU rasteriser: WebGPU inference is slower there than wasm. */
  readonly software: boolean;
  /** The device onnxruntime's WebGPU provider may share; null where there is none (WebGL2). */
  readonly device: GPUDevice | null;
  /** The imported frame's size; null before the first. */
  readonly frameSize: FrameSize | null;
  /** Changes whenever the frame's texture is made anew: a frame imported into an older one is not drawn. */
  readonly generation: number;
  /**
   * Copies `source` (displayed size `width` x `height`) into the frame's texture, resizing it and the canvas when
   * the size changed. Returns nothing when the copy is done or queued, a promise when it waits for a conversion.
   */
  importFrame(source: FrameImportSource, width: number, height: number): Promise<void> | undefined;
  /**
   * Settles when a frame with faces, and the tracker's picture of this size, can be drawn: every pass they need is
   * compiled. A backend is made as soon as it can draw a frame blurred whole.
   */
  whenReady(pictureSize: FrameSize): Promise<void>;
  /**
   * The tracker's picture of the imported frame, read at once: where reads are synchronous anyway (WebGL2), the
   * tracker and the motion guard then judge the frame they are about to cover instead of the one before it. Absent
   * where the picture comes back with the drawn frame (DrawnFrame.picture: WebGPU's readback lands frames later).
   */
  pictureNow?(pictureSize: FrameSize): Float32Array;
  /**
   * Draws the imported frame anonymized onto the canvas; `pictureSize`: the tracker's picture to make of it.
   * `motion` (null: the guard is off) is for a backend that runs the motion guard on the frame it draws (WebGPU:
   * its pictures reach the CPU's guard a frame late); one whose picture was read first (pictureNow) has judged it.
   */
  draw(params: AnonymizeParams, pictureSize: FrameSize, motion: FrameMotion | null): DrawnFrame;
  createModel(spec: ModelSpec, bytes: Uint8Array, provider: Provider): Promise<FaceModel>;
  /**
   * A detector on this backend, once its passes and the per-face drawing are compiled (frames are blurred whole until
   * there is a detector).
   */
  makeDetector(model: FaceModel, options: Partial<DetectorOptions>): Promise<LiveDetector>;
  /** Loses the context on purpose, as a crashed driver would (tests, the console). */
  loseForTest(): void;
  destroy(): void;
}
