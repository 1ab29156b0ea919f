import { PreprocessPass } from '../gpu/preprocess-pass';
import { DecodePass, type DecodeCrop } from '../gpu/decode-pass';
import { NMS_CAP, NmsPass, type NmsResult } from '../gpu/nms-pass';
import { decodeRef, candidateToDetection, type Candidate } from './decode';
import { anchorCount } from './anchors';
import { nms, type NmsOptions } from './nms';
import { DEFAULT_TILE_PLAN, isCut, planCrops, type Crop, type TilePlan } from './tiling';
import type { FaceModel } from './model';
import type { Detection, Rect } from './types';
import type { StageProbe } from '../gpu/stage-probe';

export interface DetectorOptions {
  /** Minimum sigmoid score of a kept anchor. */
  threshold: number;
  nms: NmsOptions;
  /** Tiles run besides the whole frame (NO_TILES: the whole frame only). */
  tiles: TilePlan;
  /**
   * A face the frame's border cuts scores low (BlazeFace learned whole faces): a box within `band` of its own size
   * from a border is kept from `threshold` up. Faces entering the picture are found frames earlier.
   */
  edge: EdgeOptions;
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

/**
 * Live mode's edge threshold. On issue 4's motion clips most faces the detector still missed at 0.3 were entering
 * at the border; from 0.1 there it finds them (leaks 1.8 % -> 0.15 % of face-frames, `npm run eval:video`), for
 * stray boxes along the border (dlib's first 3 photos: 3.3 an image instead of at most 1; WIDER: 8.7 false boxes
 * an image instead of 4.6, for 1.4 % more faces, `npm run eval -- --edge live`). The tracker starts no track for
 * one on a flat patch (TrackerOptions.edgeTexture) and holds the others half as long (edgeHoldMs); on a still
 * photo a stray would stay, so the photo and export paths do not use it yet.
 */
export const LIVE_EDGE: EdgeOptions = { threshold: 0.1, band: 0.3 };

/**
 * An edge threshold as the evals take it: `T[:BAND]` (BAND defaults to LIVE_EDGE's), `live`, or `off`. `floor`: the
 * lowest T the caller can honour (a cache of candidates above some score).
 */
export function parseEdge(text: string, floor = 0): EdgeOptions {
  if (text === 'off') return NO_EDGE;
  if (text === 'live') return LIVE_EDGE;
  const [t, band, extra] = text.split(':').map(Number);
  const edge = { threshold: t!, band: band ?? LIVE_EDGE.band };
  if (extra !== undefined || !(edge.threshold >= floor && edge.threshold <= 1 && edge.band >= 0)) {
    throw new RangeError(`expected T[:BAND] with ${floor} <= T <= 1 and BAND >= 0, live, or off`);
  }
  return edge;
}

/**
 * Threshold and tiles measured together with `npm run eval` (see DEFAULT_TILE_PLAN) and `npm run eval:video`: at 0.3,
 * with the tracker's picture-tight boxes, the motion clips leak under 2 % of face-frames; 0.45 leaked 4.8 %.
 */
export const DEFAULT_DETECTOR_OPTIONS: DetectorOptions = {
  threshold: 0.3,
  nms: { iouThreshold: 0.3, maxFaces: 64, weighted: true },
  tiles: DEFAULT_TILE_PLAN,
  edge: NO_EDGE,
};

/** The lowest score any candidate may be kept from: what decoding must let through. */
export function decodeFloor(o: Pick<DetectorOptions, 'threshold' | 'edge'>): number {
  return Math.min(o.threshold, o.edge.threshold);
}

/** Whether a candidate of this score is kept: above the threshold, or above the edge threshold at a frame border. */
export function keepScore(score: number, box: Rect, frame: { width: number; height: number }, threshold: number, edge: EdgeOptions): boolean {
  if (score >= threshold) return true;
  if (score < edge.threshold) return false;
  const b = edge.band;
  return box.x <= b * box.w || box.y <= b * box.h || box.x + box.w >= frame.width - b * box.w || box.y + box.h >= frame.height - b * box.h;
}

/** How close to an inner tile edge, as a fraction of the tile side, a box counts as cut (4 px of a 256 input). */
const CUT_MARGIN = 1 / 64;

/**
 * Every crop's candidates mapped to frame pixels (cut faces dropped if the plan says so), then one NMS over all,
 * so that a face seen by several crops comes out once. `perCrop[i]` belongs to `crops[i]`. The CPU path, and
 * the CPU twin of the GPU path (decode.wgsl, then nms.wgsl).
 */
export function mergeCrops(perCrop: readonly Candidate[][], crops: readonly Crop[], options: DetectorOptions): Detection[] {
  const all: Detection[] = [];
  // The crops tile the frame, so together they reach its borders.
  const frame = {
    width: Math.max(...crops.map((c) => c.rect.x + c.rect.w)),
    height: Math.max(...crops.map((c) => c.rect.y + c.rect.h)),
  };
  perCrop.forEach((candidates, i) => {
    const crop = crops[i];
    const margin = crop.rect.w * CUT_MARGIN;
    for (const c of candidates) {
      const d = candidateToDetection(c, crop.rect);
      if (!keepScore(d.score, d.box, frame, options.threshold, options.edge)) continue;
      if (options.tiles.dropCut && isCut(d.box, crop, margin)) continue;
      all.push(d);
    }
  });
  return nms(all, options.nms).map((d) => flagEdge(d, options.threshold));
}

/** Says so on a detection only the edge threshold kept (the tracker asks more of those before trusting them). */
function flagEdge(d: Detection, threshold: number): Detection {
  return d.score < threshold ? { ...d, edge: true } : d;
}

/** A crop as decode.wgsl takes it: fractions of the frame, cut-face margin as mergeCrops measures it. */
export function decodeCrop(crop: Crop, index: number, width: number, height: number, options: DetectorOptions): DecodeCrop {
  const { x, y, w, h } = crop.rect;
  const margin = w * CUT_MARGIN;
  return {
    rect: { x: x / width, y: y / height, w: w / width, h: h / height },
    dropEdges: options.tiles.dropCut ? crop.inner : [false, false, false, false],
    margin: { x: margin / width, y: margin / height },
    threshold: options.threshold,
    edgeThreshold: options.edge.threshold,
    edgeBand: options.edge.band,
    index,
  };
}

function toPixels(d: Detection, width: number, height: number): Detection {
  return {
    score: d.score,
    box: { x: d.box.x * width, y: d.box.y * height, w: d.box.w * width, h: d.box.h * height },
    keypoints: d.keypoints.map((p) => ({ x: p.x * width, y: p.y * height })),
  };
}

/** The GPU path could not rank every candidate: the frame's faces are not known, so it is treated as a failure. */
export class TooManyCandidatesError extends Error {
  constructor(readonly candidates: number) {
    super(`detect: ${candidates} face candidates, more than the ${NMS_CAP} the GPU NMS ranks (is the threshold very low?)`);
    this.name = 'TooManyCandidatesError';
  }
}

/**
 * Frame texture -> detections in frame pixels. Runs the model on the whole frame and on each tile of the plan,
 * maps every crop's candidates to frame pixels, and runs one NMS over all of them, so a face seen by several
 * crops comes out once. Preprocessing of every crop is encoded and submitted before detect() returns its
 * promise, so the caller may overwrite the frame texture with the next camera frame at once. One detect() at a
 * time (the crops' tensors are reused): a second call before the first settles is rejected.
 */
export class FaceDetector {
  readonly options: DetectorOptions;
  private readonly preprocess: PreprocessPass;
  private readonly decode: DecodePass;
  private readonly nms: NmsPass;
  /** The crops' model inputs back to back (one batched run), grown to the most crops a frame has needed. */
  private input: GPUBuffer | undefined;
  /** The wasm path's readback of `input` and its CPU copy, grown with it and reused (one detect() at a time). */
  private readback: { staging: GPUBuffer; tensors: Float32Array } | undefined;
  private busy = false;
  /** Round-robin position in the tile list when a call runs only some tiles. */
  private nextTile = 0;

  /** `probe`: a bench's timing hooks (see StageProbe); without one, nothing extra is done or encoded. */
  constructor(
    private readonly device: GPUDevice,
    readonly model: FaceModel,
    options: Partial<DetectorOptions> = {},
    private readonly probe?: StageProbe<DetectStage>,
  ) {
    this.options = { ...DEFAULT_DETECTOR_OPTIONS, ...options };
    this.preprocess = new PreprocessPass(device, model.spec.inputSize);
    // Appends land in no fixed order, so past the cap faces would drop at random: detect() refuses such a frame.
    this.decode = new DecodePass(device, { maxCandidates: NMS_CAP, spec: model.spec.anchors });
    this.nms = new NmsPass(device, this.decode.candidates, { maxFaces: this.options.nms.maxFaces, anchors: anchorCount(model.spec.anchors) });
  }

  /** The crops detect() runs on a frame of this size, the whole frame first. */
  crops(width: number, height: number): Crop[] {
    return planCrops(width, height, this.options.tiles);
  }

  /** Tiles (besides the whole frame) on a frame of this size. */
  tileCount(width: number, height: number): number {
    return this.crops(width, height).length - 1;
  }

  /**
   * Detects faces in `frame`: the whole frame always, and `maxTiles` of the tiles, taken in turn across calls,
   * so live video can spread the tiles over several frames while the tracker holds what they found.
   */
  detect(frame: GPUTexture, maxTiles = Infinity): Promise<Detection[]> {
    if (this.busy) return Promise.reject(new Error('detect: the previous detect() has not settled (its tensors are in use)'));
    this.busy = true;
    try {
      return this.run(frame, maxTiles).finally(() => (this.busy = false));
    } catch (e) {
      this.busy = false;
      return Promise.reject(e); // callers chain .catch(); a throw here would escape their frame loop
    }
  }

  private run(frame: GPUTexture, maxTiles: number): Promise<Detection[]> {
    const crops = this.rotate(this.crops(frame.width, frame.height), maxTiles);
    const input = this.inputFor(crops.length);
    // PreprocessPass takes its crop through one uniform buffer: one submit per crop.
    crops.forEach((crop, i) => {
      const encoder = this.device.createCommandEncoder({ label: 'detect-preprocess' });
      this.probe?.mark('preprocess', 'begin', encoder);
      this.preprocess.encode(encoder, frame, crop.rect, input, i * this.preprocess.tensorBytes);
      this.probe?.mark('preprocess', 'end', encoder);
      this.device.queue.submit([encoder.finish()]);
    });
    return this.model.provider === 'webgpu' ? this.runOnGpu(crops, input, frame.width, frame.height) : this.runOnCpu(crops, input);
  }

  private async runOnGpu(crops: Crop[], input: GPUBuffer, width: number, height: number): Promise<Detection[]> {
    this.probe?.mark('inference', 'begin');
    const outputs = await this.model.runGpuBatch(input, crops.length);
    this.probe?.mark('inference', 'end');
    let read: () => Promise<NmsResult>;
    try {
      const encoder = this.device.createCommandEncoder({ label: 'detect-decode-nms' });
      this.decode.begin(encoder);
      this.probe?.mark('decode', 'begin', encoder);
      this.decode.encode(encoder, outputs, crops.map((c, i) => decodeCrop(c, i, width, height, this.options)));
      this.probe?.mark('decode', 'end', encoder);
      this.probe?.mark('nms', 'begin', encoder);
      read = this.nms.encode(encoder, this.options.nms);
      this.probe?.mark('nms', 'end', encoder);
      this.device.queue.submit([encoder.finish()]);
    } finally {
      outputs.release();
    }
    const { faces, candidates } = await read();
    if (candidates > NMS_CAP) throw new TooManyCandidatesError(candidates);
    return faces.map((d) => flagEdge(toPixels(d, width, height), this.options.threshold));
  }

  private async runOnCpu(crops: Crop[], input: GPUBuffer): Promise<Detection[]> {
    this.probe?.mark('readback', 'begin');
    const tensors = await this.readInput(input, crops.length * this.preprocess.tensorBytes);
    this.probe?.mark('readback', 'end');
    this.probe?.mark('inference', 'begin');
    const raws = await this.model.runCpuBatch(tensors, crops.length);
    this.probe?.mark('inference', 'end');
    this.probe?.mark('decode', 'begin');
    const perCrop = raws.map((raw) => decodeRef(raw, decodeFloor(this.options), this.model.spec.anchors));
    this.probe?.mark('decode', 'end');
    return this.finish(perCrop, crops);
  }

  /**
   * `input`'s first `bytes` on the CPU, through a staging buffer and an array that are made once and reused: a
   * fresh multi-megabyte staging buffer and copy per detection (9 crops: 7 MB) was allocation churn at video rate.
   */
  private async readInput(input: GPUBuffer, bytes: number): Promise<Float32Array> {
    if (!this.readback || this.readback.staging.size < input.size) {
      this.readback?.staging.destroy();
      this.readback = {
        staging: this.device.createBuffer({ label: 'model-input-readback', size: input.size, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ }),
        tensors: new Float32Array(input.size / Float32Array.BYTES_PER_ELEMENT),
      };
    }
    const { staging, tensors } = this.readback;
    const encoder = this.device.createCommandEncoder({ label: 'model-input-readback' });
    encoder.copyBufferToBuffer(input, 0, staging, 0, bytes);
    this.device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ, 0, bytes);
    const view = tensors.subarray(0, bytes / Float32Array.BYTES_PER_ELEMENT);
    view.set(new Float32Array(staging.getMappedRange(0, bytes)));
    staging.unmap();
    return view;
  }

  private rotate(crops: Crop[], maxTiles: number): Crop[] {
    const [whole, ...tiles] = crops;
    if (tiles.length <= maxTiles) return crops;
    const picked = Array.from({ length: Math.max(0, maxTiles) }, (_, i) => tiles[(this.nextTile + i) % tiles.length]);
    this.nextTile = (this.nextTile + picked.length) % tiles.length;
    return [whole, ...picked];
  }

  private finish(perCrop: Candidate[][], crops: Crop[]): Detection[] {
    this.probe?.mark('nms', 'begin');
    const detections = mergeCrops(perCrop, crops, this.options);
    this.probe?.mark('nms', 'end');
    return detections;
  }

  private inputFor(crops: number): GPUBuffer {
    const size = crops * this.preprocess.tensorBytes;
    if (!this.input || this.input.size < size) {
      this.input?.destroy();
      this.input = this.device.createBuffer({
        label: `model-input-x${crops}`, size,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
      });
    }
    return this.input;
  }

  destroy(): void {
    this.input?.destroy();
    this.readback?.staging.destroy();
    this.preprocess.destroy();
    this.decode.destroy();
    this.nms.destroy();
  }
}
