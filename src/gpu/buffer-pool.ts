/**
 * GPU buffers handed out in turn between two reset()s, each grown as needed and reused from one round to the next:
 * a detection's model inputs or a decode's parameters cost no allocation at video rate once the sizes settle.
 */
export class BufferPool {
  #buffers: GPUBuffer[] = [];
  #next = 0;

  readonly #device: GPUDevice;
  readonly #label: string;
  readonly #usage: GPUBufferUsageFlags;

  constructor(device: GPUDevice, label: string, usage: GPUBufferUsageFlags) {
    this.#device = device;
    this.#label = label;
    this.#usage = usage;
  }

  reset(): void {
    this.#next = 0;
  }

  /** A buffer of at least `size` bytes not handed out since reset(). */
  take(size: number): GPUBuffer {
    const i = this.#next++;
    const old = this.#buffers[i];
    if (old && old.size >= size) return old;
    old?.destroy();
    return (this.#buffers[i] = this.#device.createBuffer({
      label: `${this.#label}-${i}`,
      size,
      usage: this.#usage | GPUBufferUsage.COPY_DST,
    }));
  }

  destroy(): void {
    this.#buffers.forEach((b) => b.destroy());
  }
}
