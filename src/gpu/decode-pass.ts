import code from '../shaders/decode.wgsl?raw';
import { anchorCentres, BLAZEFACE_BACK_256_ANCHORS, gridAnchorCount, anchorCount, type AnchorSpec } from '../detect/anchors';
import { KEYPOINTS, type Candidate } from '../detect/decode';
import { mainPipeline } from './compute-pipeline';

/** Byte offsets of `struct Params` in decode.wgsl (decode-pass.test.ts checks them against the WGSL). */
export const DECODE_PARAMS = { threshold: 0, byteSize: 4 } as const;

/** Candidate buffer layout, as documented at the top of decode.wgsl. */
export const CANDIDATES = { countOffset: 0, recordsOffset: 4, recordWords: 6 + 2 * KEYPOINTS } as const;
const RECORD_BYTES = CANDIDATES.recordWords * 4;

const WG = 64;
const MAX_SETS_PER_KEY = 4;

export interface DecodePassOptions {
  /** Records kept per frame; survivors beyond it are counted but dropped. */
  maxCandidates: number;
  spec?: AnchorSpec;
}

export interface DecodeInputs {
  /** onnxruntime-web output buffers, one per anchor grid in spec order (borrowed, never destroyed here). */
  scores: GPUBuffer[];
  boxes: GPUBuffer[];
}

/**
 * Thresholds and decodes BlazeFace's raw outputs on the GPU into a compact candidate buffer, then copies
 * it to a staging buffer in the same command buffer so the CPU can read it later without stalling.
 *
 * The threshold is a uniform written with queue.writeBuffer: encode at most once per submitted command buffer.
 */
export class DecodePass {
  readonly maxCandidates: number;
  /** The candidate buffer (layout in decode.wgsl), for a GPU consumer that wants it without a readback. */
  readonly candidates: GPUBuffer;
  #device: GPUDevice;
  #pipeline: GPUComputePipeline;
  #anchorCount: number;
  #params: GPUBuffer;
  #paramsData = new Float32Array(DECODE_PARAMS.byteSize / 4);
  #anchors: GPUBuffer;
  // ORT hands out buffers from its own pool, so a few distinct sets recur; keyed weakly by the first.
  #groups = new WeakMap<GPUBuffer, { buffers: GPUBuffer[]; group: GPUBindGroup }[]>();
  #freeStaging: GPUBuffer[] = [];
  #allStaging: GPUBuffer[] = [];
  /** Staging buffer holding the newest encode's result, until readCandidates takes it. */
  #latest: GPUBuffer | undefined;

  constructor(device: GPUDevice, { maxCandidates, spec = BLAZEFACE_BACK_256_ANCHORS }: DecodePassOptions) {
    if (spec.grids.length !== 2) throw new RangeError(`decode: decode.wgsl reads 2 anchor grids, spec has ${spec.grids.length}`);
    if (!Number.isInteger(maxCandidates) || maxCandidates < 1) throw new RangeError(`decode: maxCandidates must be a positive integer, got ${maxCandidates}`);
    this.maxCandidates = maxCandidates;
    this.#device = device;
    this.#anchorCount = anchorCount(spec);
    this.#pipeline = mainPipeline(device, 'decode', code, {
      WG, GRID0_ANCHORS: gridAnchorCount(spec, spec.grids[0]), ANCHORS: this.#anchorCount,
      MAX_CANDIDATES: maxCandidates, INPUT_SIZE: spec.inputSize,
    });
    this.#params = device.createBuffer({
      label: 'decode-params', size: DECODE_PARAMS.byteSize, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    const centres = anchorCentres(spec);
    this.#anchors = device.createBuffer({
      label: 'decode-anchors', size: centres.byteLength, usage: GPUBufferUsage.STORAGE, mappedAtCreation: true,
    });
    new Float32Array(this.#anchors.getMappedRange()).set(centres);
    this.#anchors.unmap();
    this.candidates = device.createBuffer({
      label: 'decode-candidates', size: this.#candidateBytes,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
  }

  get #candidateBytes(): number {
    return CANDIDATES.recordsOffset + RECORD_BYTES * this.maxCandidates;
  }

  encode(encoder: GPUCommandEncoder, outputs: DecodeInputs, threshold: number): void {
    if (outputs.scores.length !== 2 || outputs.boxes.length !== 2) {
      throw new RangeError(`decode: needs 2 score and 2 box buffers, got ${outputs.scores.length} and ${outputs.boxes.length}`);
    }
    this.#paramsData[DECODE_PARAMS.threshold / 4] = threshold;
    this.#device.queue.writeBuffer(this.#params, 0, this.#paramsData);

    encoder.clearBuffer(this.candidates, CANDIDATES.countOffset, 4);
    const pass = encoder.beginComputePass({ label: 'decode' });
    pass.setPipeline(this.#pipeline);
    pass.setBindGroup(0, this.#bindGroup([...outputs.scores, ...outputs.boxes]));
    pass.dispatchWorkgroups(Math.ceil(this.#anchorCount / WG));
    pass.end();

    const staging = this.#freeStaging.pop() ?? this.#newStaging();
    if (this.#latest) this.#freeStaging.push(this.#latest); // superseded before anyone read it
    this.#latest = staging;
    encoder.copyBufferToBuffer(this.candidates, 0, staging, 0, this.#candidateBytes);
  }

  /**
   * The newest encode's candidates, sorted by anchor (the GPU appends them in any order). Call after
   * submitting that encode's command buffer; the promise settles once the GPU has finished it.
   */
  async readCandidates(): Promise<Candidate[]> {
    const staging = this.#latest;
    if (!staging) throw new Error('decode: readCandidates without a new encode since the last read');
    this.#latest = undefined;
    await staging.mapAsync(GPUMapMode.READ);
    const words = staging.getMappedRange();
    const u = new Uint32Array(words);
    const f = new Float32Array(words);
    const n = Math.min(u[CANDIDATES.countOffset / 4], this.maxCandidates);
    const out: Candidate[] = [];
    for (let i = 0; i < n; i++) {
      const r = CANDIDATES.recordsOffset / 4 + i * CANDIDATES.recordWords;
      out.push({
        anchor: u[r], score: f[r + 1], cx: f[r + 2], cy: f[r + 3], w: f[r + 4], h: f[r + 5],
        keypoints: Array.from(f.subarray(r + 6, r + 6 + 2 * KEYPOINTS)),
      });
    }
    staging.unmap();
    this.#freeStaging.push(staging);
    return out.sort((a, b) => a.anchor - b.anchor);
  }

  destroy(): void {
    for (const b of [this.#params, this.#anchors, this.candidates, ...this.#allStaging]) b.destroy();
  }

  #newStaging(): GPUBuffer {
    const b = this.#device.createBuffer({
      label: 'decode-candidates-staging', size: this.#candidateBytes, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
    });
    this.#allStaging.push(b);
    return b;
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
        { binding: 0, resource: { buffer: this.#params } },
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
