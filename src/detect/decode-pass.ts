import candidateCode from './candidate.wgsl?raw';
import cropKeepCode from './crop-keep.wgsl?raw';
import decodeCode from './decode.wgsl?raw';
import gridCode from './decode-grid.wgsl?raw';
import { anchorCentres, gridAnchorCount, anchorCount, type AnchorSpec } from './anchors';
import { KEYPOINTS } from './decode';
import type { InputSize, ModelSpec } from './model';
import type { Detection, Rect } from '../core/types';
import { BufferPool } from '../gpu/buffer-pool';
import { CompiledPipeline } from '../gpu/compute-pipeline';

/** decode.wgsl as compiled: it shares `struct Record` with nms.wgsl and `struct Crop` with decode-grid.wgsl. */
export const DECODE_WGSL = candidateCode + cropKeepCode + decodeCode;
/** decode-grid.wgsl as compiled. */
export const DECODE_GRID_WGSL = candidateCode + cropKeepCode + gridCode;

/** Byte offsets of `struct Crop` in crop-keep.wgsl (decode-pass.gpu.test.ts checks them against the WGSL). */
export const DECODE_CROP = {
  rect: 0,
  dropEdge: 16,
  margin: 32,
  threshold: 40,
  index: 44,
  edgeThreshold: 48,
  edgeBand: 52,
  tallPx: 56,
  tallThreshold: 60,
  inputSize: 64,
  byteSize: 80,
} as const;

/** Byte offsets of `struct Level` in decode-grid.wgsl. */
export const DECODE_LEVEL = { stride: 0, cols: 4, rows: 8, firstAnchor: 12, byteSize: 16 } as const;

/** Candidate buffer layout, as documented at the top of decode.wgsl. */
export const CANDIDATES = { countOffset: 0, recordsOffset: 4, recordWords: 7 + 2 * KEYPOINTS } as const;

/** A `struct Record` (candidate.wgsl) read back: a face in fractions of the frame, and its (crop, anchor). */
export interface CandidateRecord extends Detection {
  anchor: number;
  crop: number;
}

/** The Record starting at word `at` of a read-back buffer, with the model's `keypoints` (of the 6 slots). */
export function readRecord(words: ArrayBuffer, at: number, keypoints = KEYPOINTS): CandidateRecord {
  const u = new Uint32Array(words, at * 4, CANDIDATES.recordWords);
  const f = new Float32Array(words, at * 4, CANDIDATES.recordWords);
  const points = Array.from({ length: keypoints }, (_, k) => ({ x: f[7 + 2 * k], y: f[8 + 2 * k] }));
  return { anchor: u[0], crop: u[1], score: f[2], box: { x: f[3], y: f[4], w: f[5], h: f[6] }, keypoints: points };
}

const WG = 64;
const F32_MAX = 3.4028234663852886e38;
const MAX_SETS_PER_KEY = 4;

/** One crop's part of a decode, in fractions of the frame (the CPU twin works in pixels; the ratios are the same). */
export interface DecodeCrop {
  rect: Rect;
  /** Left, top, right, bottom: drop a box that touches this edge (an inner tile edge cuts it). */
  dropEdges: readonly boolean[];
  margin: { x: number; y: number };
  threshold: number;
  /** Below `threshold`, a box within `edgeBand` of its size from a frame border is kept from `edgeThreshold` (DetectorOptions.edge). */
  edgeThreshold: number;
  edgeBand: number;
  /** Below `threshold`, a box at least `tallPx` input pixels tall is kept from `tallThreshold` (ScoreRule). */
  tallPx: number;
  tallThreshold: number;
  /** The crop's model input size. */
  input: InputSize;
  /** Place in the frame's crop list: candidates of equal score are ordered by it. */
  index: number;
}

export interface DecodePassOptions {
  /** Records kept per detection over all its crops; survivors beyond it are counted but dropped. */
  maxCandidates: number;
}

/**
 * Thresholds and decodes a model's raw outputs on the GPU, appending each crop's faces in frame coordinates to one
 * candidate buffer (layout in decode.wgsl) that NmsPass reads on the GPU. begin() once per detection, then one
 * encode() per model run (crops of one input size), all in one command buffer if the caller likes: each encode
 * writes its parameters to buffers of its own.
 */
export interface DecodePass {
  readonly maxCandidates: number;
  readonly candidates: GPUBuffer;
  /** Settles once the pass can encode. */
  readonly ready: Promise<void>;
  begin(encoder: GPUCommandEncoder): void;
  /** Appends the candidates of `crops`, whose outputs lie back to back in `outputs` (ModelSpec.outputs order). */
  encode(encoder: GPUCommandEncoder, outputs: readonly GPUBuffer[], crops: readonly DecodeCrop[]): void;
  destroy(): void;
}

/** The decode pass for a model's head. */
export function createDecodePass(device: GPUDevice, spec: ModelSpec, o: DecodePassOptions): DecodePass {
  return spec.head.kind === 'anchors'
    ? new AnchorDecodePass(device, spec.head.anchors, o)
    : new GridDecodePass(device, spec.head.strides, o);
}

/** What both decoders share: the candidate list, the crops' parameters and bind groups over ORT's buffers. */
abstract class DecodeBase implements DecodePass {
  readonly maxCandidates: number;
  readonly candidates: GPUBuffer;
  protected readonly device: GPUDevice;
  readonly #compiled: CompiledPipeline;
  #crops: BufferPool;
  // ORT hands out buffers from its own pool, so a few distinct sets recur; keyed weakly by the first.
  #groups = new WeakMap<GPUBuffer, { buffers: GPUBuffer[]; group: GPUBindGroup }[]>();

  constructor(
    device: GPUDevice,
    label: string,
    code: string,
    constants: Record<string, number>,
    { maxCandidates }: DecodePassOptions,
  ) {
    if (!Number.isInteger(maxCandidates) || maxCandidates < 1)
      throw new RangeError(`decode: maxCandidates must be a positive integer, got ${maxCandidates}`);
    this.maxCandidates = maxCandidates;
    this.device = device;
    this.#compiled = new CompiledPipeline(device, label, code, { WG, MAX_CANDIDATES: maxCandidates, ...constants });
    this.#crops = new BufferPool(device, `${label}-crops`, GPUBufferUsage.STORAGE);
    this.candidates = device.createBuffer({
      label: 'decode-candidates',
      size: CANDIDATES.recordsOffset + CANDIDATES.recordWords * 4 * maxCandidates,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
  }

  get ready(): Promise<void> {
    return this.#compiled.ready;
  }

  protected get pipeline(): GPUComputePipeline {
    return this.#compiled.pipeline;
  }

  begin(encoder: GPUCommandEncoder): void {
    encoder.clearBuffer(this.candidates, CANDIDATES.countOffset, 4);
    this.#crops.reset();
    this.resetParams();
  }

  abstract encode(encoder: GPUCommandEncoder, outputs: readonly GPUBuffer[], crops: readonly DecodeCrop[]): void;

  protected resetParams(): void {}

  /** The crops' parameters in a buffer of their own (queue.writeBuffer lands before the submit). */
  protected writeCrops(crops: readonly DecodeCrop[]): GPUBuffer {
    if (crops.length < 1) throw new RangeError('decode: no crops');
    const data = new ArrayBuffer(crops.length * DECODE_CROP.byteSize);
    crops.forEach((c, i) => writeCrop(data, i * DECODE_CROP.byteSize, c));
    const buffer = this.#crops.take(data.byteLength);
    this.device.queue.writeBuffer(buffer, 0, data);
    return buffer;
  }

  /** A bind group of `buffers` at bindings 0, 1, ... and the candidate list after them, cached. */
  protected bindGroup(buffers: GPUBuffer[]): GPUBindGroup {
    const key = buffers[2];
    let sets = this.#groups.get(key);
    if (!sets) this.#groups.set(key, (sets = []));
    const hit = sets.find((s) => s.buffers.length === buffers.length && s.buffers.every((b, i) => b === buffers[i]));
    if (hit) return hit.group;
    const group = this.device.createBindGroup({
      label: 'decode',
      layout: this.pipeline.getBindGroupLayout(0),
      entries: [...buffers, this.candidates].map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    sets.push({ buffers, group });
    if (sets.length > MAX_SETS_PER_KEY) sets.shift(); // don't pin buffers ORT has since released
    return group;
  }

  destroy(): void {
    this.#crops.destroy();
    this.candidates.destroy();
  }
}

function writeCrop(data: ArrayBuffer, at: number, c: DecodeCrop): void {
  const f = new Float32Array(data, at, DECODE_CROP.byteSize / 4);
  const u = new Uint32Array(data, at, DECODE_CROP.byteSize / 4);
  f.set([c.rect.x, c.rect.y, c.rect.w, c.rect.h], DECODE_CROP.rect / 4);
  u.set(c.dropEdges.map(Number), DECODE_CROP.dropEdge / 4);
  f.set([c.margin.x, c.margin.y, c.threshold], DECODE_CROP.margin / 4);
  u[DECODE_CROP.index / 4] = c.index;
  // A rule that never applies (tallPx Infinity) is written as the largest f32: WGSL need not honour infinities.
  f.set(
    [c.edgeThreshold, c.edgeBand, Math.min(c.tallPx, F32_MAX), c.tallThreshold, c.input.width, c.input.height],
    DECODE_CROP.edgeThreshold / 4,
  );
}

/** BlazeFace's SSD anchors (decode.wgsl): one dispatch over every anchor of every crop. */
export class AnchorDecodePass extends DecodeBase {
  #anchorCount: number;
  #anchors: GPUBuffer;

  constructor(device: GPUDevice, spec: AnchorSpec, o: DecodePassOptions) {
    if (spec.grids.length !== 2)
      throw new RangeError(`decode: decode.wgsl reads 2 anchor grids, spec has ${spec.grids.length}`);
    super(
      device,
      'decode',
      DECODE_WGSL,
      {
        GRID0_ANCHORS: gridAnchorCount(spec, spec.grids[0]),
        ANCHORS: anchorCount(spec),
        INPUT_SIZE: spec.inputSize,
      },
      o,
    );
    this.#anchorCount = anchorCount(spec);
    const centres = anchorCentres(spec);
    this.#anchors = device.createBuffer({
      label: 'decode-anchors',
      size: centres.byteLength,
      usage: GPUBufferUsage.STORAGE,
      mappedAtCreation: true,
    });
    new Float32Array(this.#anchors.getMappedRange()).set(centres);
    this.#anchors.unmap();
  }

  encode(encoder: GPUCommandEncoder, outputs: readonly GPUBuffer[], crops: readonly DecodeCrop[]): void {
    if (outputs.length !== 4)
      throw new RangeError(`decode: needs 2 score and 2 box buffers, got ${outputs.length} buffers`);
    const cropBuffer = this.writeCrops(crops);
    const pass = encoder.beginComputePass({ label: 'decode' });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroup([cropBuffer, this.#anchors, ...outputs]));
    pass.dispatchWorkgroups(Math.ceil(this.#anchorCount / WG), crops.length);
    pass.end();
  }

  override destroy(): void {
    super.destroy();
    this.#anchors.destroy();
  }
}

/** YuNet's anchor-free stride grids (decode-grid.wgsl): one dispatch per stride, over its cells of every crop. */
export class GridDecodePass extends DecodeBase {
  #levels: BufferPool;
  readonly #strides: readonly number[];

  constructor(device: GPUDevice, strides: readonly number[], o: DecodePassOptions) {
    super(device, 'decode-grid', DECODE_GRID_WGSL, {}, o);
    this.#strides = strides;
    this.#levels = new BufferPool(device, 'decode-grid-level', GPUBufferUsage.UNIFORM);
  }

  protected override resetParams(): void {
    this.#levels.reset();
  }

  encode(encoder: GPUCommandEncoder, outputs: readonly GPUBuffer[], crops: readonly DecodeCrop[]): void {
    const n = this.#strides.length;
    if (outputs.length !== 4 * n)
      throw new RangeError(`decode: needs cls, obj, bbox and kps for ${n} strides, got ${outputs.length} buffers`);
    const size = crops[0]?.input;
    if (!size || crops.some((c) => c.input.width !== size.width || c.input.height !== size.height)) {
      throw new RangeError('decode: the crops of one model run share one input size');
    }
    const cropBuffer = this.writeCrops(crops);
    const pass = encoder.beginComputePass({ label: 'decode-grid' });
    pass.setPipeline(this.pipeline);
    let first = 0;
    this.#strides.forEach((s, l) => {
      const cols = size.width / s;
      const rows = size.height / s;
      const data = new ArrayBuffer(DECODE_LEVEL.byteSize);
      new Float32Array(data)[DECODE_LEVEL.stride / 4] = s;
      new Uint32Array(data).set([cols, rows, first], DECODE_LEVEL.cols / 4);
      const level = this.#levels.take(DECODE_LEVEL.byteSize);
      this.device.queue.writeBuffer(level, 0, data);
      pass.setBindGroup(0, this.bindGroup([cropBuffer, level, ...[0, 1, 2, 3].map((k) => outputs[k * n + l])]));
      pass.dispatchWorkgroups(Math.ceil((cols * rows) / WG), crops.length);
      first += cols * rows;
    });
    pass.end();
  }

  override destroy(): void {
    super.destroy();
    this.#levels.destroy();
  }
}
