import { PreprocessPass, tensorBytes } from './preprocess-pass';
import { createDecodePass, type DecodeCrop, type DecodePass } from './decode-pass';
import { NMS_CAP, NmsPass, type NmsResult } from './nms-pass';
import { candidateToDetection, decodeOutputs, type Candidate } from './decode';
import { nms, type NmsOptions } from './nms';
import {
  cropCosts,
  DEFAULT_TILE_PLAN,
  isCut,
  NO_TILES,
  planCrops,
  TileRotation,
  type Crop,
  type TilePlan,
} from './tiling';
import { BLAZEFACE_BACK_256, type FaceModel, type InputSize, type ModelSpec } from './model';
import type { Detection, FrameSize, Rect } from '../core/types';
import { BufferPool } from '../gpu/buffer-pool';
import type { StageProbe } from '../gpu/stage-probe';

export interface DetectorOptions {
  /** Minimum score of a kept candidate. */
  threshold: number;
  /** Below `threshold`, a tall box is kept from a lower score (ModelSpec.score). */
  tall: TallRule;
  nms: NmsOptions;
  /** Tiles run besides the whole frame (NO_TILES: the whole frame only). */
  tiles: TilePlan;
  /**
   * A face the frame's border cuts scores low: a box within `band` of its own size from a border is kept from
   * `threshold` up. Faces entering the picture are found frames earlier.
   */
  edge: EdgeOptions;
  /**
   * For a model of free input size, the whole frame's long side in model pixels; undefined: the frame's own (the
   * most accurate, and the slowest). Live mode picks it from the measured detector time.
   */
  inputSide?: number;
}

export interface TallRule {
  /** Height in the crop's input pixels from which a box counts as tall. */
  px: number;
  threshold: number;
}

export interface EdgeOptions {
  threshold: number;
  band: number;
}

/**
 * A detection's stages, as a bench times them through a StageProbe: the wasm provider reads the crops' tensors
 * back (one readback) and decodes and suppresses on the CPU; the WebGPU provider does both on the GPU.
 */
export type DetectStage = 'preprocess' | 'readback' | 'inference' | 'decode' | 'nms';

/** No lower threshold at the border. */
export const NO_EDGE: EdgeOptions = { threshold: 1, band: 0 };

/** BlazeFace's edge threshold in live mode: it scores a face the border cuts 0.1-0.2. */
export const BLAZEFACE_LIVE_EDGE: EdgeOptions = BLAZEFACE_BACK_256.live.edge;

/** `o` with the model's upscaled look at video (ModelSpec.videoUpscale). */
function withVideoLook(spec: ModelSpec, o: DetectorOptions): DetectorOptions {
  return { ...o, tiles: { ...o.tiles, upscale: spec.videoUpscale } };
}

/** A model's detector options in live mode: its defaults with its live keep rule (ModelSpec.live) and video's look. */
export function liveDetectorOptions(spec: ModelSpec): DetectorOptions {
  const base = withVideoLook(spec, detectorDefaults(spec));
  return { ...base, threshold: spec.live.threshold, edge: spec.live.edge };
}

/**
 * An edge threshold as the evals take it: `T[:BAND]` (BAND defaults to BlazeFace's), `live` (the model's live
 * edge), or `off`. `floor`: the lowest T the caller can honour (a cache of candidates above some score).
 */
export function parseEdge(text: string, spec: ModelSpec, floor = 0): EdgeOptions {
  if (text === 'off') return NO_EDGE;
  if (text === 'live') return spec.live.edge;
  const [t, band, extra] = text.split(':').map(Number);
  const edge = { threshold: t!, band: band ?? BLAZEFACE_LIVE_EDGE.band };
  if (extra !== undefined || !(edge.threshold >= floor && edge.threshold <= 1 && edge.band >= 0)) {
    throw new RangeError(`expected T[:BAND] with ${floor} <= T <= 1 and BAND >= 0, live, or off`);
  }
  return edge;
}

/**
 * A model's detector defaults, chosen with `npm run eval` on the whole dev set and `npm run eval:video`
 * (docs/evaluation.md): its score rule; BlazeFace needs tiles to find small faces, YuNet at the frame's own size does not.
 */
export function detectorDefaults(spec: ModelSpec): DetectorOptions {
  return {
    threshold: spec.score.threshold,
    tall: { px: spec.score.tallPx, threshold: spec.score.tallThreshold },
    nms: { iouThreshold: 0.3, maxFaces: 64, weighted: true },
    tiles: spec.tiled ? DEFAULT_TILE_PLAN : NO_TILES,
    edge: NO_EDGE,
  };
}

/** A user's tile choice (`?tiles=`, `--tiles`): the model's default, or tiles on or off. */
export type TileChoice = 'auto' | 'on' | 'off';

/** What a user may choose of the detector; unset: the model's default. */
export interface DetectorChoices {
  tiles?: TileChoice;
  threshold?: number | null;
}

/**
 * The detector options a user's choices give over `base` (a model's defaults, or its live options): one reading
 * for live mode, the export page and the CLI.
 */
export function chosenDetectorOptions(
  spec: ModelSpec,
  c: DetectorChoices,
  base = detectorDefaults(spec),
): DetectorOptions {
  // Tiles on add the grid to what the base looks at (video's upscaled look stays); off, the whole frame alone.
  const on = { ...DEFAULT_TILE_PLAN, upscale: base.tiles.upscale };
  const tiles = { auto: base.tiles, on, off: NO_TILES }[c.tiles ?? 'auto'];
  return { ...base, tiles, threshold: c.threshold ?? base.threshold };
}

/** What a file holds: a photo, or a video whose frames are tracked. */
export type FileMedia = 'photo' | 'video';

/**
 * The CLI's and the export page's detector options over a user's choices, by what the file holds: the model's
 * defaults for a photo, and with video's upscaled look (ModelSpec.videoUpscale) for a video's frames. Both at the
 * frame's own size (offline has no frame budget) and with the photo's keep rule. Motion clips made from WIDER
 * photos (`npm run eval:video -- --offline`): the look cuts the leaked face-frames from 4.35 % to 2.93 %; live
 * mode's lower thresholds on top, to 1.84 %, but they blur the stage clip of ../shared/data/faces/videos 2.7 times
 * as much as its detections' own masks cover (hands and a microphone found at 0.1-0.25), 2.1 times without them.
 */
export function fileDetectorOptions(spec: ModelSpec, c: DetectorChoices): Record<FileMedia, DetectorOptions> {
  const photo = detectorDefaults(spec);
  return {
    photo: chosenDetectorOptions(spec, c, photo),
    video: chosenDetectorOptions(spec, c, withVideoLook(spec, photo)),
  };
}

/** What decides whether a candidate is kept. */
export type KeepRule = Pick<DetectorOptions, 'threshold' | 'tall' | 'edge'>;

/**
 * What one detect() call keeps and where it looks, over the detector's own options: the CLI and the export page
 * detect a photo and a video's frames with one detector and two rules. NMS, sized when the detector was made,
 * stays the detector's.
 */
export type DetectRule = KeepRule & Pick<DetectorOptions, 'tiles'>;

/** A detector's `options` with one call's rule over them. */
export function withRule(options: DetectorOptions, rule: Partial<DetectRule>): DetectorOptions {
  const { threshold = options.threshold, tall = options.tall, edge = options.edge, tiles = options.tiles } = rule;
  return { ...options, threshold, tall, edge, tiles };
}

/** The lowest score any candidate may be kept from: what decoding must let through. */
export function decodeFloor(o: KeepRule): number {
  return Math.min(o.threshold, o.tall.threshold, o.edge.threshold);
}

/**
 * Whether a candidate of this score is kept: above the threshold, above the tall threshold when it is at least
 * `tall.px` tall in its crop's input (`inputHeight`), or above the edge threshold at a frame border.
 */
export function keepScore(
  score: number,
  box: Rect,
  frame: { width: number; height: number },
  inputHeight: number,
  o: KeepRule,
): boolean {
  if (keptByScore(score, inputHeight, o)) return true;
  if (score < o.edge.threshold) return false;
  const b = o.edge.band;
  return (
    box.x <= b * box.w ||
    box.y <= b * box.h ||
    box.x + box.w >= frame.width - b * box.w ||
    box.y + box.h >= frame.height - b * box.h
  );
}

/** Kept whatever its place: the edge threshold did not decide it. */
function keptByScore(score: number, inputHeight: number, o: KeepRule): boolean {
  return score >= o.threshold || (inputHeight >= o.tall.px && score >= o.tall.threshold);
}

/**
 * The keep rule in one crop. An upscaled look keeps no tall box under the threshold: the tall rule is for large
 * faces cut by the border, in profile or occluded, which the frame at its own size sees; in the look such a box is
 * mostly a hand or a blur blown up. `npm run eval:video`: the same leaks on every set of motion clips, masks 5.49
 * times the faces instead of 5.53 on the shared ones; offline, the stage clip of ../shared/data/faces/videos is
 * blurred 2.15 times as much as its detections' own masks cover instead of 2.48 (docs/evaluation.md).
 */
function cropRule<R extends KeepRule>(crop: Crop, o: R): R {
  if ((crop.zoom ?? 1) <= 1) return o;
  return { ...o, tall: { ...o.tall, threshold: Math.max(o.tall.threshold, o.threshold) } };
}

/** A box's height in its crop's model input. */
function inputHeight(box: Rect, crop: Crop): number {
  return (box.h * crop.input.height) / crop.rect.h;
}

/** How close to an inner tile edge, as a fraction of the tile side, a box counts as cut (4 px of a 256 input). */
const CUT_MARGIN = 1 / 64;

/**
 * Every crop's candidates mapped to frame pixels (cut faces dropped if the plan says so), then one NMS over all,
 * so that a face seen by several crops comes out once. `perCrop[i]` belongs to `crops[i]`. The CPU path, and
 * the CPU twin of the GPU path (the decode passes, then nms.wgsl).
 */
export function mergeCrops(
  perCrop: readonly Candidate[][],
  crops: readonly Crop[],
  frame: FrameSize,
  options: DetectorOptions,
): Detection[] {
  const all: Detection[] = [];
  perCrop.forEach((candidates, i) => {
    const crop = crops[i];
    const margin = crop.rect.w * CUT_MARGIN;
    const rule = cropRule(crop, options);
    for (const c of candidates) {
      const d = candidateToDetection(c, crop.rect);
      const height = inputHeight(d.box, crop);
      if (!keepScore(d.score, d.box, frame, height, rule)) continue;
      if (options.tiles.dropCut && isCut(d.box, crop, margin)) continue;
      all.push(flagLenient(d, height, rule));
    }
  });
  // A kept face carries its seed's flag, as the GPU path flags the seed's record.
  return nms(all, options.nms);
}

/**
 * Says so on a detection under the threshold, kept by the rule for tall boxes (Detection.weak) or only by the edge
 * threshold (Detection.edge): the tracker asks more of those before counting and holding them as faces.
 */
function flagLenient(d: Detection, height: number, o: KeepRule): Detection {
  if (d.score >= o.threshold) return d;
  return keptByScore(d.score, height, o) ? { ...d, weak: true } : { ...d, edge: true };
}

/** A crop as the decode passes take it: fractions of the frame, cut-face margin as mergeCrops measures it. */
export function decodeCrop(crop: Crop, index: number, frame: FrameSize, options: DetectorOptions): DecodeCrop {
  const { x, y, w, h } = crop.rect;
  const { width, height } = frame;
  const margin = w * CUT_MARGIN;
  return {
    rect: { x: x / width, y: y / height, w: w / width, h: h / height },
    dropEdges: options.tiles.dropCut ? crop.inner : [false, false, false, false],
    margin: { x: margin / width, y: margin / height },
    threshold: options.threshold,
    edgeThreshold: options.edge.threshold,
    edgeBand: options.edge.band,
    tallPx: options.tall.px,
    tallThreshold: cropRule(crop, options).tall.threshold,
    input: crop.input,
    index,
  };
}

function toPixels(d: Detection, frame: FrameSize): Detection {
  const { width, height } = frame;
  return {
    score: d.score,
    box: { x: d.box.x * width, y: d.box.y * height, w: d.box.w * width, h: d.box.h * height },
    keypoints: d.keypoints.map((p) => ({ x: p.x * width, y: p.y * height })),
  };
}

/** The GPU path could not rank every candidate: the frame's faces are not known, so it is treated as a failure. */
export class TooManyCandidatesError extends Error {
  constructor(readonly candidates: number) {
    super(
      `detect: ${candidates} face candidates, more than the ${NMS_CAP} the GPU NMS ranks (is the threshold very low?)`,
    );
    this.name = 'TooManyCandidatesError';
  }
}

/** Crops that share an input size go through the model in one batched run. */
interface CropBatch {
  size: InputSize;
  /** Indices into the frame's crop list. */
  crops: number[];
  input: GPUBuffer;
}

/** The crops grouped by input size, in the order of their first crop. */
export function batchesBySize(crops: readonly Crop[]): { size: InputSize; crops: number[] }[] {
  const batches = new Map<string, { size: InputSize; crops: number[] }>();
  crops.forEach((c, i) => {
    const key = `${c.input.width}x${c.input.height}`;
    if (!batches.has(key)) batches.set(key, { size: c.input, crops: [] });
    batches.get(key)!.crops.push(i);
  });
  return [...batches.values()];
}

/**
 * The wasm provider's part of a detection, the same wherever the crops' tensors come from (the GPU's preprocess, read
 * back; or preprocessRef on a frame's pixels): one batched run per input size, each crop's candidates decoded, one
 * NMS over all of them (mergeCrops).
 */
export async function detectOnCpu<B extends { size: InputSize; crops: number[] }>(
  model: FaceModel,
  options: DetectorOptions,
  crops: readonly Crop[],
  frame: FrameSize,
  batches: readonly B[],
  tensors: (batch: B) => Promise<Float32Array>,
  probe?: StageProbe<DetectStage>,
): Promise<Detection[]> {
  const perCrop: Candidate[][] = [];
  for (const b of batches) {
    probe?.mark('readback', 'begin');
    const input = await tensors(b);
    probe?.mark('readback', 'end');
    probe?.mark('inference', 'begin');
    const raws = await model.runCpuBatch(input, b.crops.length, b.size);
    probe?.mark('inference', 'end');
    probe?.mark('decode', 'begin');
    b.crops.forEach((c, j) => (perCrop[c] = decodeOutputs(model.spec, raws[j], b.size, decodeFloor(options))));
    probe?.mark('decode', 'end');
  }
  probe?.mark('nms', 'begin');
  const detections = mergeCrops(perCrop, crops, frame, options);
  probe?.mark('nms', 'end');
  return detections;
}

/**
 * Frame texture -> detections in frame pixels, for any single-shot face model its ModelSpec describes. Runs the
 * model on the whole frame and on each tile of the plan (one batched run per input size), maps every crop's
 * candidates to frame pixels, and runs one NMS over all of them, so a face seen by several crops comes out once.
 * Preprocessing of every crop is encoded and submitted before detect() returns its promise, so the caller may
 * overwrite the frame texture with the next camera frame at once. One detect() at a time (the crops' tensors are
 * reused): a second call before the first settles is rejected.
 */
export class FaceDetector {
  readonly options: DetectorOptions;
  readonly #preprocess: PreprocessPass;
  /** Decode and NMS on the GPU, for a model whose outputs stay there (the WebGPU provider); the CPU does the rest's. */
  readonly #onGpu: { decode: DecodePass; nms: NmsPass } | null;
  /** Model inputs by batch (crops of one size back to back), grown to the most a frame has needed. */
  readonly #inputs: BufferPool;
  /** The wasm path's readback staging buffer and CPU copy, grown as needed and reused (one detect() at a time). */
  #readback: { staging: GPUBuffer; tensors: Float32Array } | undefined;
  #busy = false;
  readonly #tiles = new TileRotation();
  readonly #device: GPUDevice;
  readonly #probe: StageProbe<DetectStage> | undefined;

  /**
   * A detector whose passes are compiled (CompiledPipeline: frames drawn on the device meanwhile go on).
   * `options`: over the model's defaults (detectorDefaults). `probe`: a bench's timing hooks (see StageProbe).
   */
  static async create(
    device: GPUDevice,
    model: FaceModel,
    options: Partial<DetectorOptions> = {},
    probe?: StageProbe<DetectStage>,
  ): Promise<FaceDetector> {
    const detector = new FaceDetector(device, model, options, probe);
    try {
      const gpu = detector.#onGpu;
      await Promise.all([detector.#preprocess.ready, gpu?.decode.ready, gpu?.nms.ready]);
    } catch (e) {
      detector.destroy();
      throw e;
    }
    return detector;
  }

  private constructor(
    device: GPUDevice,
    readonly model: FaceModel,
    options: Partial<DetectorOptions>,
    probe: StageProbe<DetectStage> | undefined,
  ) {
    this.#device = device;
    this.#probe = probe;
    this.options = { ...detectorDefaults(model.spec), ...options };
    this.#preprocess = new PreprocessPass(device, model.spec.format);
    this.#inputs = new BufferPool(device, 'model-input', GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
    // Appends land in no fixed order, so past the cap faces would drop at random: detect() refuses such a frame.
    const decode =
      model.provider === 'webgpu' ? createDecodePass(device, model.spec, { maxCandidates: NMS_CAP }) : null;
    this.#onGpu = decode && {
      decode,
      nms: new NmsPass(device, decode.candidates, {
        maxFaces: this.options.nms.maxFaces,
        keypoints: model.spec.keypoints,
      }),
    };
  }

  /** The crops detect() runs on a frame of this size, the whole frame first. */
  crops(width: number, height: number, inputSide = this.options.inputSide, tiles = this.options.tiles): Crop[] {
    return planCrops(this.model.spec, width, height, tiles, inputSide);
  }

  /** Each tile's model input (besides the whole frame) on a frame of this size, in whole-frame inputs (cropCosts). */
  tileCosts(width: number, height: number, inputSide = this.options.inputSide): number[] {
    return cropCosts(this.crops(width, height, inputSide));
  }

  /**
   * Detects faces in `frame`: the whole frame always, and `maxTiles` of the tiles, taken in turn across calls,
   * so live video can spread the tiles over several frames while the tracker holds what they found. `inputSide`:
   * the whole frame's long side in model pixels, for a model of free size (DetectorOptions.inputSide). `rule`: this
   * call's keep rule and tiles, over the detector's options (DetectRule).
   */
  detect(
    frame: GPUTexture,
    maxTiles = Infinity,
    inputSide = this.options.inputSide,
    rule: Partial<DetectRule> = {},
  ): Promise<Detection[]> {
    if (this.#busy)
      return Promise.reject(new Error('detect: the previous detect() has not settled (its tensors are in use)'));
    this.#busy = true;
    try {
      return this.#run(frame, maxTiles, inputSide, withRule(this.options, rule)).finally(() => (this.#busy = false));
    } catch (e) {
      this.#busy = false;
      return Promise.reject(e); // callers chain .catch(); a throw here would escape their frame loop
    }
  }

  #run(frame: GPUTexture, maxTiles: number, inputSide: number | undefined, o: DetectorOptions): Promise<Detection[]> {
    const size = { width: frame.width, height: frame.height };
    const crops = this.#tiles.pick(this.crops(size.width, size.height, inputSide, o.tiles), maxTiles);
    this.#inputs.reset();
    const batches = batchesBySize(crops).map(
      (b): CropBatch => ({ ...b, input: this.#inputs.take(b.crops.length * tensorBytes(b.size)) }),
    );
    // PreprocessPass takes its crop through one uniform buffer: one submit per crop.
    for (const b of batches) {
      b.crops.forEach((c, j) => {
        const encoder = this.#device.createCommandEncoder({ label: 'detect-preprocess' });
        this.#probe?.mark('preprocess', 'begin', encoder);
        this.#preprocess.encode(encoder, frame, crops[c].rect, b.size, b.input, j * tensorBytes(b.size));
        this.#probe?.mark('preprocess', 'end', encoder);
        this.#device.queue.submit([encoder.finish()]);
      });
    }
    return this.#onGpu ? this.#runOnGpu(this.#onGpu, crops, batches, size, o) : this.#runOnCpu(crops, batches, size, o);
  }

  async #runOnGpu(
    { decode, nms }: { decode: DecodePass; nms: NmsPass },
    crops: Crop[],
    batches: CropBatch[],
    frame: FrameSize,
    o: DetectorOptions,
  ): Promise<Detection[]> {
    const outputs: { release(): void; buffers: GPUBuffer[] }[] = [];
    let read: () => Promise<NmsResult>;
    try {
      this.#probe?.mark('inference', 'begin');
      for (const b of batches) outputs.push(await this.model.runGpuBatch(b.input, b.crops.length, b.size));
      this.#probe?.mark('inference', 'end');
      const encoder = this.#device.createCommandEncoder({ label: 'detect-decode-nms' });
      decode.begin(encoder);
      this.#probe?.mark('decode', 'begin', encoder);
      batches.forEach((b, i) =>
        decode.encode(
          encoder,
          outputs[i].buffers,
          b.crops.map((c) => decodeCrop(crops[c], c, frame, o)),
        ),
      );
      this.#probe?.mark('decode', 'end', encoder);
      this.#probe?.mark('nms', 'begin', encoder);
      read = nms.encode(encoder, this.options.nms);
      this.#probe?.mark('nms', 'end', encoder);
      this.#device.queue.submit([encoder.finish()]);
    } finally {
      outputs.forEach((o) => o.release());
    }
    const { faces, candidates } = await read();
    if (candidates > NMS_CAP) throw new TooManyCandidatesError(candidates);
    return faces.map((r) => {
      const d = toPixels(r, frame);
      const crop = crops[r.crop];
      return flagLenient(d, inputHeight(d.box, crop), cropRule(crop, o));
    });
  }

  #runOnCpu(crops: Crop[], batches: CropBatch[], frame: FrameSize, o: DetectorOptions): Promise<Detection[]> {
    const read = (b: CropBatch) => this.#readInput(b.input, b.crops.length * tensorBytes(b.size));
    return detectOnCpu(this.model, o, crops, frame, batches, read, this.#probe);
  }

  /**
   * `input`'s first `bytes` on the CPU, through a staging buffer and an array that are made once and reused: a
   * fresh multi-megabyte staging buffer and copy per detection (9 crops: 7 MB) was allocation churn at video rate.
   */
  async #readInput(input: GPUBuffer, bytes: number): Promise<Float32Array> {
    if (!this.#readback || this.#readback.staging.size < bytes) {
      this.#readback?.staging.destroy();
      this.#readback = {
        staging: this.#device.createBuffer({
          label: 'model-input-readback',
          size: bytes,
          usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
        }),
        tensors: new Float32Array(bytes / Float32Array.BYTES_PER_ELEMENT),
      };
    }
    const { staging, tensors } = this.#readback;
    const encoder = this.#device.createCommandEncoder({ label: 'model-input-readback' });
    encoder.copyBufferToBuffer(input, 0, staging, 0, bytes);
    this.#device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ, 0, bytes);
    const view = tensors.subarray(0, bytes / Float32Array.BYTES_PER_ELEMENT);
    view.set(new Float32Array(staging.getMappedRange(0, bytes)));
    staging.unmap();
    return view;
  }

  destroy(): void {
    this.#inputs.destroy();
    this.#readback?.staging.destroy();
    this.#preprocess.destroy();
    this.#onGpu?.decode.destroy();
    this.#onGpu?.nms.destroy();
  }
}
