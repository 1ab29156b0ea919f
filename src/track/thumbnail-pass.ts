import spanCode from './cell-span.wgsl?raw';
import code from './thumbnail.wgsl?raw';
import { THUMB_H, THUMB_W } from './thumbnail';
import { CompiledPipeline } from '../gpu/compute-pipeline';
import { StagingPool } from '../gpu/readback';

/** Readbacks in flight at most; a frame that finds none free is not read back (its users take an older one). */
const STAGING = 3;

export interface ThumbnailSize {
  width: number;
  height: number;
}

/** One frame's thumbnail as encoded: its cells on the GPU (width x height f32), and their readback if one was free. */
export interface EncodedThumbnail extends ThumbnailSize {
  cells: GPUBuffer;
  read: (() => Promise<Float32Array>) | null;
}

/** What one thumbnail size needs; rebuilt when the size changes (the frame's aspect changed). */
interface Sized {
  key: string;
  size: ThumbnailSize;
  pipeline: CompiledPipeline;
  cells: GPUBuffer;
  staging: StagingPool;
  groups: WeakMap<GPUTexture, GPUBindGroup>;
}

/**
 * A frame's luma thumbnail (thumbnail.wgsl), computed beside its render and read back without waiting: 32x18 for
 * the motion guard by default, or the tracker's picture size (lumaSize()).
 */
export class ThumbnailPass {
  #device: GPUDevice;
  #sized: Sized | undefined;

  constructor(device: GPUDevice) {
    this.#device = device;
  }

  #forSize(size: ThumbnailSize): Sized {
    const key = `${size.width}x${size.height}`;
    if (this.#sized?.key === key) return this.#sized;
    this.destroy();
    const bytes = size.width * size.height * 4;
    const device = this.#device;
    this.#sized = {
      key,
      size: { ...size },
      pipeline: new CompiledPipeline(device, 'thumbnail', spanCode + code, { TW: size.width, TH: size.height }),
      cells: device.createBuffer({
        label: 'thumbnail',
        size: bytes,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
      }),
      staging: new StagingPool(device, 'thumbnail-staging', bytes, STAGING),
      groups: new WeakMap(),
    };
    return this.#sized;
  }

  /** Settles once thumbnails of this size can be made (its pipeline is compiled when a size is first asked for). */
  ready(size: ThumbnailSize = { width: THUMB_W, height: THUMB_H }): Promise<void> {
    return this.#forSize(size).pipeline.ready;
  }

  /**
   * Encodes the thumbnail of `frame` (TEXTURE_BINDING) into `encoder`: null while the size's pipeline is still
   * compiling. Its cells stay in `cells` until the next frame's (the motion guard's GPU pass reads them there), and
   * `read` starts their readback once the encoder is submitted; null when every staging buffer is still being read.
   */
  encode(
    encoder: GPUCommandEncoder,
    frame: GPUTexture,
    size: ThumbnailSize = { width: THUMB_W, height: THUMB_H },
  ): EncodedThumbnail | null {
    const s = this.#forSize(size);
    if (!s.pipeline.compiled) return null;
    let group = s.groups.get(frame);
    if (!group) {
      group = this.#device.createBindGroup({
        label: 'thumbnail',
        layout: s.pipeline.pipeline.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: frame.createView() },
          { binding: 1, resource: { buffer: s.cells } },
        ],
      });
      s.groups.set(frame, group);
    }
    const pass = encoder.beginComputePass({ label: 'thumbnail' });
    pass.setPipeline(s.pipeline.pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(Math.ceil(s.size.width / 8), Math.ceil(s.size.height / 8));
    pass.end();
    const staging = s.staging.take();
    if (staging) encoder.copyBufferToBuffer(s.cells, 0, staging, 0, s.staging.size);
    return {
      cells: s.cells,
      ...s.size,
      read: staging ? () => s.staging.read(staging, (bytes) => new Float32Array(bytes.slice(0))) : null,
    };
  }

  destroy(): void {
    this.#sized?.cells.destroy();
    this.#sized?.staging.destroy();
    this.#sized = undefined;
  }
}
