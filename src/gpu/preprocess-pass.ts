import code from '../shaders/preprocess.wgsl?raw';
import { cropSampling } from '../detect/preprocess';
import type { Rect } from '../detect/types';
import { computePipeline } from './compute-pipeline';

/** Byte offsets of `struct Params` in preprocess.wgsl (preprocess-pass.test.ts checks them against the WGSL). */
export const PREPROCESS_PARAMS = { origin: 0, step: 8, outOffset: 16, byteSize: 24 } as const;

const WG = 8;

/**
 * Samples a crop of an rgba8unorm frame into a size x size x 3 NHWC f32 tensor in [-1, 1], written densely
 * into a STORAGE buffer that onnxruntime-web can take as input (ort.Tensor.fromGpuBuffer).
 *
 * Params live in one uniform buffer written with queue.writeBuffer, which lands before the next submit:
 * encode at most once per submitted command buffer, or the earlier encode sees the later crop.
 */
export class PreprocessPass {
  readonly size: number;
  #device: GPUDevice;
  #pipeline: GPUComputePipeline;
  #params: GPUBuffer;
  #paramsData = new ArrayBuffer(PREPROCESS_PARAMS.byteSize);
  // Frames and tensors are borrowed; weak keys let their bind groups go when the caller drops them.
  #groups = new WeakMap<GPUTexture, WeakMap<GPUBuffer, GPUBindGroup>>();

  constructor(device: GPUDevice, size: number) {
    this.size = size;
    this.#device = device;
    this.#pipeline = computePipeline(device, 'preprocess', code, { WG, SIZE: size });
    this.#params = device.createBuffer({
      label: 'preprocess-params', size: PREPROCESS_PARAMS.byteSize,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
  }

  /** Bytes the tensor occupies in `out`, from `outByteOffset`. */
  get tensorBytes(): number {
    return this.size * this.size * 3 * 4;
  }

  encode(encoder: GPUCommandEncoder, frame: GPUTexture, crop: Rect, out: GPUBuffer, outByteOffset = 0): void {
    if (outByteOffset % 4 !== 0 || outByteOffset + this.tensorBytes > out.size) {
      throw new RangeError(`preprocess: tensor of ${this.tensorBytes} bytes at offset ${outByteOffset} does not fit `
        + `the ${out.size}-byte output buffer (offset must be a multiple of 4)`);
    }
    const { origin, step } = cropSampling(crop, this.size);
    const f = new Float32Array(this.#paramsData);
    const u = new Uint32Array(this.#paramsData);
    f.set(origin, PREPROCESS_PARAMS.origin / 4);
    f.set(step, PREPROCESS_PARAMS.step / 4);
    u[PREPROCESS_PARAMS.outOffset / 4] = outByteOffset / 4;
    this.#device.queue.writeBuffer(this.#params, 0, this.#paramsData);

    const pass = encoder.beginComputePass({ label: 'preprocess' });
    pass.setPipeline(this.#pipeline);
    pass.setBindGroup(0, this.#bindGroup(frame, out));
    const groups = Math.ceil(this.size / WG);
    pass.dispatchWorkgroups(groups, groups);
    pass.end();
  }

  destroy(): void {
    this.#params.destroy();
  }

  #bindGroup(frame: GPUTexture, out: GPUBuffer): GPUBindGroup {
    let byOut = this.#groups.get(frame);
    if (!byOut) this.#groups.set(frame, (byOut = new WeakMap()));
    let group = byOut.get(out);
    if (!group) {
      group = this.#device.createBindGroup({
        label: 'preprocess',
        layout: this.#pipeline.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: this.#params } },
          { binding: 1, resource: frame.createView() },
          { binding: 2, resource: { buffer: out } },
        ],
      });
      byOut.set(out, group);
    }
    return group;
  }
}
