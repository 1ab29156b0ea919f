import candidateCode from './candidate.wgsl?raw';
import nmsCode from './nms.wgsl?raw';
import { KEYPOINTS } from './decode';
import type { NmsOptions } from './nms';
import { allCompiled, CompiledPipeline } from '../gpu/compute-pipeline';
import { CANDIDATES, readRecord, type CandidateRecord } from './decode-pass';
import { StagingPool } from '../gpu/readback';

/** nms.wgsl as compiled, after the `struct Record` it shares with decode.wgsl. */
export const NMS_WGSL = candidateCode + nmsCode;

/** Byte offsets of `struct Params` in nms.wgsl (nms-pass.gpu.test.ts checks them against the WGSL). */
export const NMS_PARAMS = { iouThreshold: 0, weighted: 4, byteSize: 8 } as const;

/** Result buffer layout, as documented at the top of nms.wgsl. */
export const NMS_RESULT = {
  keptOffset: 0,
  candidatesOffset: 4,
  facesOffset: 8,
  faceWords: CANDIDATES.recordWords,
} as const;

/** Candidates that take part in the GPU NMS: a power of two, the bitmask is CAP x CAP bits (2 MiB). */
export const NMS_CAP = 4096;

const MASK_WG = 64;
const SORT_WG = 256;

export interface NmsResult {
  /** Kept faces, strongest first, in fractions of the frame, each with its seed's (crop, anchor). */
  faces: CandidateRecord[];
  /** Candidates the decode passed on; more than NMS_CAP means some were left out. */
  candidates: number;
}

/**
 * Greedy (or weighted) NMS on the GPU over a DecodePass's candidate buffer: sort, suppression bitmask, reduce
 * (nms.wgsl), then a copy of the few kept faces into a staging buffer that the read encode() returns maps later,
 * so a frame never waits on it.
 *
 * The options are a uniform written with queue.writeBuffer: encode at most once per submitted command buffer.
 */
export class NmsPass {
  #device: GPUDevice;
  #maxFaces: number;
  /** sort, build_mask, reduce. */
  #pipelines: CompiledPipeline[];
  /** Their bind groups, made once they are compiled ('auto' layouts come from the pipeline). */
  #groups: GPUBindGroup[] | null = null;
  #bindings: GPUBindGroupEntry[];
  #params: GPUBuffer;
  #paramsData = new ArrayBuffer(NMS_PARAMS.byteSize);
  #dispatch: GPUBuffer;
  #result: GPUBuffer;
  #owned: GPUBuffer[];
  #staging: StagingPool;

  #keypoints: number;

  /** `candidates`: a DecodePass's candidate buffer; `keypoints`: the model's keypoints per face (of a record's slots). */
  constructor(
    device: GPUDevice,
    candidates: GPUBuffer,
    { maxFaces, keypoints = KEYPOINTS }: { maxFaces: number; keypoints?: number },
  ) {
    if (!Number.isInteger(maxFaces) || maxFaces < 1)
      throw new RangeError(`nms: maxFaces must be a positive integer, got ${maxFaces}`);
    this.#device = device;
    this.#maxFaces = maxFaces;
    this.#keypoints = keypoints;
    const constants = { SORT_WG, MASK_WG, CAP: NMS_CAP, MAX_FACES: maxFaces };
    const module = device.createShaderModule({ label: 'nms', code: NMS_WGSL });
    this.#pipelines = ['sort', 'build_mask', 'reduce'].map(
      (entry) => new CompiledPipeline(device, `nms-${entry}`, module, constants, entry),
    );
    const buffer = (label: string, size: number, usage: GPUBufferUsageFlags) =>
      device.createBuffer({ label, size, usage });
    this.#params = buffer('nms-params', NMS_PARAMS.byteSize, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    const order = buffer('nms-order', 4 * NMS_CAP, GPUBufferUsage.STORAGE);
    const mask = buffer('nms-mask', 4 * NMS_CAP * (NMS_CAP / 32), GPUBufferUsage.STORAGE);
    this.#dispatch = buffer('nms-dispatch', 12, GPUBufferUsage.STORAGE | GPUBufferUsage.INDIRECT);
    this.#result = buffer('nms-result', this.#resultBytes, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
    this.#owned = [this.#params, order, mask, this.#dispatch, this.#result];
    this.#staging = new StagingPool(device, 'nms-result-staging', this.#resultBytes);
    this.#bindings = [this.#params, candidates, order, mask, this.#dispatch, this.#result].map((b, binding) => ({
      binding,
      resource: { buffer: b },
    }));
  }

  /** Settles once the pass can encode. */
  get ready(): Promise<void> {
    return allCompiled(this.#pipelines);
  }

  #bindGroups(): GPUBindGroup[] {
    // 'auto' layouts hold only the bindings each entry point uses.
    const uses = [
      [1, 2, 4],
      [0, 1, 2, 3],
      [0, 1, 2, 3, 5],
    ];
    this.#groups ??= this.#pipelines.map((p, i) =>
      this.#device.createBindGroup({
        label: `nms-${i}`,
        layout: p.pipeline.getBindGroupLayout(0),
        entries: this.#bindings.filter((e) => uses[i].includes(e.binding)),
      }),
    );
    return this.#groups;
  }

  get #resultBytes(): number {
    return NMS_RESULT.facesOffset + 4 * NMS_RESULT.faceWords * this.#maxFaces;
  }

  /** Encodes the NMS into `encoder`; returns the read to start once the encoder is submitted. */
  encode(encoder: GPUCommandEncoder, o: Pick<NmsOptions, 'iouThreshold' | 'weighted'>): () => Promise<NmsResult> {
    new Float32Array(this.#paramsData)[NMS_PARAMS.iouThreshold / 4] = o.iouThreshold;
    new Uint32Array(this.#paramsData)[NMS_PARAMS.weighted / 4] = Number(o.weighted);
    this.#device.queue.writeBuffer(this.#params, 0, this.#paramsData);

    const groups = this.#bindGroups();
    const [sort, mask, reduce] = this.#pipelines.map((p) => p.pipeline);
    const pass = encoder.beginComputePass({ label: 'nms' });
    pass.setPipeline(sort);
    pass.setBindGroup(0, groups[0]);
    pass.dispatchWorkgroups(1);
    pass.setPipeline(mask);
    pass.setBindGroup(0, groups[1]);
    pass.dispatchWorkgroupsIndirect(this.#dispatch, 0);
    pass.setPipeline(reduce);
    pass.setBindGroup(0, groups[2]);
    pass.dispatchWorkgroups(1);
    pass.end();

    const staging = this.#staging.take()!; // no cap: never null
    encoder.copyBufferToBuffer(this.#result, 0, staging, 0, this.#resultBytes);
    return () =>
      this.#staging.read(staging, (words) => {
        const u = new Uint32Array(words);
        const faces = Array.from({ length: u[NMS_RESULT.keptOffset / 4] }, (_, i) =>
          readRecord(words, NMS_RESULT.facesOffset / 4 + i * NMS_RESULT.faceWords, this.#keypoints),
        );
        return { faces, candidates: u[NMS_RESULT.candidatesOffset / 4] };
      });
  }

  destroy(): void {
    this.#owned.forEach((b) => b.destroy());
    this.#staging.destroy();
  }
}
