import type { RgbaImage } from '../core/types';

/** Copies `size` bytes of `src` into a fresh staging buffer and maps it; the caller never waits on the frame. */
export async function readBuffer(device: GPUDevice, src: GPUBuffer, size = src.size, offset = 0): Promise<ArrayBuffer> {
  const staging = device.createBuffer({
    label: 'readback',
    size,
    usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
  });
  const encoder = device.createCommandEncoder({ label: 'readback' });
  encoder.copyBufferToBuffer(src, offset, staging, 0, size);
  device.queue.submit([encoder.finish()]);
  try {
    await staging.mapAsync(GPUMapMode.READ);
    return staging.getMappedRange().slice(0);
  } finally {
    staging.destroy();
  }
}

/** Uploads an RGBA8 image into a new rgba8unorm texture (the caller owns and destroys it). */
export function uploadRgba(
  device: GPUDevice,
  img: RgbaImage,
  usage: GPUTextureUsageFlags = GPUTextureUsage.TEXTURE_BINDING,
): GPUTexture {
  const texture = device.createTexture({
    label: 'uploaded-rgba',
    size: [img.width, img.height],
    format: 'rgba8unorm',
    usage: usage | GPUTextureUsage.COPY_DST,
  });
  device.queue.writeTexture({ texture }, img.data, { bytesPerRow: img.width * 4 }, [img.width, img.height]);
  return texture;
}

/** Reads an rgba8unorm texture (COPY_SRC) back into an RGBA8 image, removing the 256-byte row padding. */
export async function readRgba(device: GPUDevice, texture: GPUTexture): Promise<RgbaImage> {
  const { width, height } = texture;
  const padded = Math.ceil((width * 4) / 256) * 256;
  const staging = device.createBuffer({
    label: 'readback-rgba',
    size: padded * height,
    usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
  });
  const encoder = device.createCommandEncoder({ label: 'readback-rgba' });
  encoder.copyTextureToBuffer({ texture }, { buffer: staging, bytesPerRow: padded }, [width, height]);
  device.queue.submit([encoder.finish()]);
  try {
    await staging.mapAsync(GPUMapMode.READ);
    const rows = new Uint8Array(staging.getMappedRange());
    const data = new Uint8Array(width * height * 4);
    for (let y = 0; y < height; y++) data.set(rows.subarray(y * padded, y * padded + width * 4), y * width * 4);
    return { width, height, data };
  } finally {
    staging.destroy();
  }
}

/**
 * Staging buffers for results read back without stalling a frame: take() one per encode and copy the result into
 * it, submit, then read() maps it, hands its bytes to `parse` (valid only during the call) and keeps the buffer for
 * the next take(). With `max`, take() gives null while that many are still out (the caller skips that work).
 */
export class StagingPool {
  #free: GPUBuffer[] = [];
  #all: GPUBuffer[] = [];
  readonly #device: GPUDevice;
  readonly #label: string;
  readonly #max: number;

  constructor(
    device: GPUDevice,
    label: string,
    readonly size: number,
    max = Infinity,
  ) {
    this.#device = device;
    this.#label = label;
    this.#max = max;
  }

  take(): GPUBuffer | null {
    const free = this.#free.pop();
    if (free || this.#all.length >= this.#max) return free ?? null;
    const b = this.#device.createBuffer({
      label: `${this.#label}-${this.#all.length}`,
      size: this.size,
      usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
    });
    this.#all.push(b);
    return b;
  }

  async read<T>(staging: GPUBuffer, parse: (bytes: ArrayBuffer) => T): Promise<T> {
    try {
      await staging.mapAsync(GPUMapMode.READ);
      try {
        return parse(staging.getMappedRange());
      } finally {
        staging.unmap();
      }
    } finally {
      this.#free.push(staging);
    }
  }

  destroy(): void {
    this.#all.forEach((b) => b.destroy());
  }
}
