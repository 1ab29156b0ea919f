import {
  batchesBySize,
  detectOnCpu,
  detectorDefaults,
  withRule,
  type DetectorOptions,
  type DetectRule,
  type DetectStage,
} from './detector';
import { preprocessRef } from './preprocess';
import { cropCosts, planCrops, TileRotation, type Crop } from './tiling';
import { tensorLength, type FaceModel } from './model';
import type { Detection, RgbaImage } from '../core/types';
import type { StageProbe } from '../gpu/stage-probe';

/**
 * Frame pixels -> detections, all on the CPU: FaceDetector's crops, decode, keep rule and NMS, with preprocess.wgsl's
 * CPU twin making the tensors and the model on onnxruntime's wasm provider. For a drawing backend without compute
 * shaders (WebGL2), whose frame is read back once a detection.
 */
export class CpuFaceDetector {
  readonly options: DetectorOptions;
  readonly #tiles = new TileRotation();
  #busy = false;
  readonly #probe: StageProbe<DetectStage> | undefined;

  /** `probe`: a bench's timing hooks, as FaceDetector takes them. */
  constructor(
    readonly model: FaceModel,
    options: Partial<DetectorOptions> = {},
    probe?: StageProbe<DetectStage>,
  ) {
    this.#probe = probe;
    if (model.provider !== 'wasm') throw new Error(`CpuFaceDetector runs on wasm, not ${model.provider}`);
    this.options = { ...detectorDefaults(model.spec), ...options };
  }

  /** The crops detect() runs on a frame of this size, the whole frame first. */
  crops(width: number, height: number, inputSide = this.options.inputSide, tiles = this.options.tiles): Crop[] {
    return planCrops(this.model.spec, width, height, tiles, inputSide);
  }

  tileCosts(width: number, height: number, inputSide = this.options.inputSide): number[] {
    return cropCosts(this.crops(width, height, inputSide));
  }

  /** As FaceDetector.detect, on `frame`'s pixels; the caller may reuse them once this returns. */
  detect(
    frame: RgbaImage,
    maxTiles = Infinity,
    inputSide = this.options.inputSide,
    rule: Partial<DetectRule> = {},
  ): Promise<Detection[]> {
    if (this.#busy) return Promise.reject(new Error('detect: the previous detect() has not settled'));
    const o = withRule(this.options, rule);
    const crops = this.#tiles.pick(this.crops(frame.width, frame.height, inputSide, o.tiles), maxTiles);
    const { format } = this.model.spec;
    this.#probe?.mark('preprocess', 'begin');
    const batches = batchesBySize(crops).map((b) => {
      const each = tensorLength(b.size);
      const tensors = new Float32Array(b.crops.length * each);
      b.crops.forEach((c, j) => tensors.set(preprocessRef(frame, crops[c]!.rect, b.size, format), j * each));
      return { ...b, tensors };
    });
    this.#probe?.mark('preprocess', 'end');
    this.#busy = true;
    const size = { width: frame.width, height: frame.height };
    return detectOnCpu(this.model, o, crops, size, batches, async (b) => b.tensors, this.#probe).finally(
      () => (this.#busy = false),
    );
  }
}
