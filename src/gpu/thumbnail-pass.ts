import code from '../shaders/thumbnail.wgsl?raw';
import { THUMB_H, THUMB_W } from '../app/motion-guard';
import { computePipeline } from './compute-pipeline';
import { StagingPool } from './readback';

const BYTES = THUMB_W * THUMB_H * 4;
/** Readbacks in flight at most; a frame that finds none free gets no thumbnail (the guard uses an older one). */
const STAGING = 3;

/** A frame's 32x18 luma thumbnail (thumbnail.wgsl), computed beside its render and read back without waiting. */
export class ThumbnailPass {
  #device: GPUDevice;
  #pipeline: GPUComputePipeline;
  #cells: GPUBuffer;
  #staging: StagingPool;
  #groups = new WeakMap<GPUTexture, GPUBindGroup>();

  constructor(device: GPUDevice) {
    this.#device = device;
    this.#pipeline = computePipeline(device, 'thumbnail', code, { TW: THUMB_W, TH: THUMB_H });
    this.#cells = device.createBuffer({ label: 'thumbnail', size: BYTES, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    this.#staging = new StagingPool(device, 'thumbnail-staging', BYTES, STAGING);
  }

  /**
   * Encodes the thumbnail of `frame` (TEXTURE_BINDING) into `encoder`. Returns the read to start once the encoder is
   * submitted, or null when every staging buffer is still being read.
   */
  encode(encoder: GPUCommandEncoder, frame: GPUTexture): (() => Promise<Float32Array>) | null {
    const staging = this.#staging.take();
    if (!staging) return null;
    let group = this.#groups.get(frame);
    if (!group) {
      group = this.#device.createBindGroup({
        label: 'thumbnail', layout: this.#pipeline.getBindGroupLayout(0),
        entries: [{ binding: 0, resource: frame.createView() }, { binding: 1, resource: { buffer: this.#cells } }],
      });
      this.#groups.set(frame, group);
    }
    const pass = encoder.beginComputePass({ label: 'thumbnail' });
    pass.setPipeline(this.#pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(1, THUMB_H);
    pass.end();
    encoder.copyBufferToBuffer(this.#cells, 0, staging, 0, BYTES);
    return () => this.#staging.read(staging, (bytes) => new Float32Array(bytes.slice(0)));
  }

  destroy(): void {
    this.#cells.destroy();
    this.#staging.destroy();
  }
}
