import candidateCode from '../shaders/candidate.wgsl?raw';
import decodeCode from '../shaders/decode.wgsl?raw';
import { anchorCentres, BLAZEFACE_BACK_256_ANCHORS, gridAnchorCount, anchorCount, type AnchorSpec } from '../detect/anchors';
import { KEYPOINTS } from '../detect/decode';
import type { Detection, Rect } from '../detect/types';
import { computePipeline } from './compute-pipeline';

/** decode.wgsl as compiled: it shares `struct Record` with nms.wgsl through candidate.wgsl. */
export const DECODE_WGSL = candidateCode + decodeCode;

/** Byte offsets of `struct Crop` in decode.wgsl (decode-pass.test.ts checks them against the WGSL). */
export const DECODE_CROP = { rect: 0, drop_edge: 16, margin: 32, threshold: 40, index: 44, edge_threshold: 48, edge_band: 52, byteSize: 64 } as const;

/** Candidate buffer layout, as documented at the top of decode.wgsl. */
export const CANDIDATES = { countOffset: 0, recordsOffset: 4, recordWords: 7 + 2 * KEYPOINTS } as const;

/** A `struct Record` (candidate.wgsl) read back: a face in fractions of the frame, and its (crop, anchor). */
export interface CandidateRecord extends Detection {
  anchor: number;
  crop: number;
}

/** The Record starting at word `at` of a read-back buffer. */
export function readRecord(words: ArrayBuffer, at: number): CandidateRecord {
  const u = new Uint32Array(words, at * 4, CANDIDATES.recordWords);
  const f = new Float32Array(words, at * 4, CANDIDATES.recordWords);
  const keypoints = Array.from({ length: KEYPOINTS }, (_, k) => ({ x: f[7 + 2 * k], y: f[8 + 2 * k] }));
  return { anchor: u[0], crop: u[1], score: f[2], box: { x: f[3], y: f[4], w: f[5], h: f[6] }, keypoints };
}

const WG = 64;
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
  /** Place in the frame's crop list: candidates of equal score are ordered by it. */
  index: number;
}

export interface DecodePassOptions {
  /** Records kept per detection over all its crops; survivors beyond it are counted but dropped. */
  maxCandidates: number;
  spec?: AnchorSpec;
}

export interface DecodeInputs {
  /** onnxruntime-web output buffers, one per anchor grid in spec order, crops back to back (borrowed, never destroyed here). */
  scores: GPUBuffer[];
  boxes: GPUBuffer[];
}

/**
 * Thresholds and decodes BlazeFace's raw outputs on the GPU, appending each crop's faces in frame coordinates to
 * one candidate buffer (layout in decode.wgsl) that NmsPass reads on the GPU.
 *
 * The crops' parameters are written with queue.writeBuffer: encode at most once per submitted command buffer.
 */
export class DecodePass {
  readonly maxCandidates: number;
  /** The candidate buffer (layout in decode.wgsl). */
  readonly candidates: GPUBuffer;
  #device: GPUDevice;
  #pipeline: GPUComputePipeline;
  #anchorCount: number;
  /** Room for this many crops' parameters, grown when a batch needs more. */
  #cropCapacity = 0;
  #crops: GPUBuffer | undefined;
  #cropData = new ArrayBuffer(0);
  #anchors: GPUBuffer;
  // ORT hands out buffers from its own pool, so a few distinct sets recur; keyed weakly by the first.
  #groups = new WeakMap<GPUBuffer, { buffers: GPUBuffer[]; group: GPUBindGroup }[]>();

  constructor(device: GPUDevice, { maxCandidates, spec = BLAZEFACE_BACK_256_ANCHORS }: DecodePassOptions) {
    if (spec.grids.length !== 2) throw new RangeError(`decode: decode.wgsl reads 2 anchor grids, spec has ${spec.grids.length}`);
    if (!Number.isInteger(maxCandidates) || maxCandidates < 1) throw new RangeError(`decode: maxCandidates must be a positive integer, got ${maxCandidates}`);
    this.maxCandidates = maxCandidates;
    this.#device = device;
    this.#anchorCount = anchorCount(spec);
    this.#pipeline = computePipeline(device, 'decode', DECODE_WGSL, {
      WG, GRID0_ANCHORS: gridAnchorCount(spec, spec.grids[0]), ANCHORS: this.#anchorCount,
      MAX_CANDIDATES: maxCandidates, INPUT_SIZE: spec.inputSize,
    });
    const centres = anchorCentres(spec);
    this.#anchors = device.createBuffer({
      label: 'decode-anchors', size: centres.byteLength, usage: GPUBufferUsage.STORAGE, mappedAtCreation: true,
    });
    new Float32Array(this.#anchors.getMappedRange()).set(centres);
    this.#anchors.unmap();
    this.candidates = device.createBuffer({
      label: 'decode-candidates', size: CANDIDATES.recordsOffset + CANDIDATES.recordWords * 4 * maxCandidates,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
  }

  /** Empties the candidate list: a detection's first encode goes after this. */
  begin(encoder: GPUCommandEncoder): void {
    encoder.clearBuffer(this.candidates, CANDIDATES.countOffset, 4);
  }

  /** Appends the candidates of `crops`, whose outputs lie back to back in `outputs`. */
  encode(encoder: GPUCommandEncoder, outputs: DecodeInputs, crops: readonly DecodeCrop[]): void {
    if (outputs.scores.length !== 2 || outputs.boxes.length !== 2) {
      throw new RangeError(`decode: needs 2 score and 2 box buffers, got ${outputs.scores.length} and ${outputs.boxes.length}`);
    }
    if (crops.length < 1) throw new RangeError('decode: no crops');
    const cropBuffer = this.#cropsFor(crops.length);
    crops.forEach((c, i) => this.#writeCrop(c, i * DECODE_CROP.byteSize));
    this.#device.queue.writeBuffer(cropBuffer, 0, this.#cropData, 0, crops.length * DECODE_CROP.byteSize);

    const pass = encoder.beginComputePass({ label: 'decode' });
    pass.setPipeline(this.#pipeline);
    pass.setBindGroup(0, this.#bindGroup([...outputs.scores, ...outputs.boxes]));
    pass.dispatchWorkgroups(Math.ceil(this.#anchorCount / WG), crops.length);
    pass.end();
  }

  destroy(): void {
    for (const b of [this.#crops, this.#anchors, this.candidates]) b?.destroy();
  }

  #cropsFor(n: number): GPUBuffer {
    if (!this.#crops || n > this.#cropCapacity) {
      this.#crops?.destroy();
      this.#cropCapacity = n;
      this.#cropData = new ArrayBuffer(DECODE_CROP.byteSize * n);
      this.#crops = this.#device.createBuffer({
        label: `decode-crops-x${n}`, size: this.#cropData.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
      });
      this.#groups = new WeakMap(); // they bound the old buffer
    }
    return this.#crops;
  }

  #writeCrop(c: DecodeCrop, at: number): void {
    const f = new Float32Array(this.#cropData, at, DECODE_CROP.byteSize / 4);
    const u = new Uint32Array(this.#cropData, at, DECODE_CROP.byteSize / 4);
    f.set([c.rect.x, c.rect.y, c.rect.w, c.rect.h], DECODE_CROP.rect / 4);
    u.set(c.dropEdges.map(Number), DECODE_CROP.drop_edge / 4);
    f.set([c.margin.x, c.margin.y, c.threshold], DECODE_CROP.margin / 4);
    u[DECODE_CROP.index / 4] = c.index;
    f.set([c.edgeThreshold, c.edgeBand], DECODE_CROP.edge_threshold / 4);
  }

  #bindGroup(buffers: GPUBuffer[]): GPUBindGroup {
    let sets = this.#groups.get(buffers[0]);
    if (!sets) this.#groups.set(buffers[0], (sets = []));
    const hit = sets.find((s) => s.buffers.every((b, i) => b === buffers[i]));
    if (hit) return hit.group;
    const group = this.#device.createBindGroup({
      label: 'decode',
      layout: this.#pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: this.#cropsFor(1) } },
        { binding: 1, resource: { buffer: this.#anchors } },
        ...buffers.map((buffer, i) => ({ binding: 2 + i, resource: { buffer } })),
        { binding: 6, resource: { buffer: this.candidates } },
      ],
    });
    sets.push({ buffers, group });
    if (sets.length > MAX_SETS_PER_KEY) sets.shift(); // don't pin buffers ORT has since released
    return group;
  }
}
