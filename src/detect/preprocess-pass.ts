import code from './preprocess.wgsl?raw';
import { tensorLength, type InputSize, type TensorFormat } from './model';
import { cropSampling } from './preprocess';
import type { Rect } from '../core/types';
import { CompiledPipeline } from '../gpu/compute-pipeline';

/** Byte offsets of `struct Params` in preprocess.wgsl (preprocess-pass.gpu.test.ts checks them against the WGSL). */
export const PREPROCESS_PARAMS = { origin: 0, step: 8, outOffset: 16, width: 20, height: 24, byteSize: 32 } as const;

const WG = 8;

/** Bytes of one f32 tensor of this input size. */
export function tensorBytes(size: InputSize): number {
  return tensorLength(size) * Float32Array.BYTES_PER_ELEMENT;
}

/**
 * Samples a crop of an rgba8unorm frame into a model's f32 input tensor (its layout, channel order and value
 * range), written densely into a STORAGE buffer that onnxruntime-web can take as input (ort.Tensor.fromGpuBuffer).
 *
 * Params live in one uniform buffer written with queue.writeBuffer, which lands before the next submit:
 * encode at most once per submitted command buffer, or the earlier encode sees the later crop.
 */
export class PreprocessPass {
  #device: GPUDevice;
  #pipeline: CompiledPipeline;
  #params: GPUBuffer;
  #paramsData = new ArrayBuffer(PREPROCESS_PARAMS.byteSize);
  // Frames and tensors are borrowed; weak keys let their bind groups go when the caller drops them.
  #groups = new WeakMap<GPUTexture, WeakMap<GPUBuffer, GPUBindGroup>>();

  constructor(device: GPUDevice, format: TensorFormat) {
    this.#device = device;
    this.#pipeline = new CompiledPipeline(device, 'preprocess', code, {
      WG,
      NCHW: Number(format.layout === 'nchw'),
      BGR: Number(format.order === 'bgr'),
      SCALE: format.scale,
      OFFSET: format.offset,
    });
    this.#params = device.createBuffer({
      label: 'preprocess-params',
      size: PREPROCESS_PARAMS.byteSize,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
  }

  /** Settles once the pass can encode. */
  get ready(): Promise<void> {
    return this.#pipeline.ready;
  }

  encode(
    encoder: GPUCommandEncoder,
    frame: GPUTexture,
    crop: Rect,
    size: InputSize,
    out: GPUBuffer,
    outByteOffset = 0,
  ): void {
    const bytes = tensorBytes(size);
    if (outByteOffset % 4 !== 0 || outByteOffset + bytes > out.size) {
      throw new RangeError(
        `preprocess: tensor of ${bytes} bytes at offset ${outByteOffset} does not fit ` +
          `the ${out.size}-byte output buffer (offset must be a multiple of 4)`,
      );
    }
    const { origin, step } = cropSampling(crop, size);
    const f = new Float32Array(this.#paramsData);
    const u = new Uint32Array(this.#paramsData);
    f.set(origin, PREPROCESS_PARAMS.origin / 4);
    f.set(step, PREPROCESS_PARAMS.step / 4);
    u[PREPROCESS_PARAMS.outOffset / 4] = outByteOffset / 4;
    u[PREPROCESS_PARAMS.width / 4] = size.width;
    u[PREPROCESS_PARAMS.height / 4] = size.height;
    this.#device.queue.writeBuffer(this.#params, 0, this.#paramsData);

    const pass = encoder.beginComputePass({ label: 'preprocess' });
    pass.setPipeline(this.#pipeline.pipeline);
    pass.setBindGroup(0, this.#bindGroup(frame, out));
    pass.dispatchWorkgroups(Math.ceil(size.width / WG), Math.ceil(size.height / WG));
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
        layout: this.#pipeline.pipeline.getBindGroupLayout(0),
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
