/** Live GPU objects that hold memory, by kind. */
export interface GpuObjectCounts {
  buffers: number;
  textures: number;
  querySets: number;
}

type Kind = keyof GpuObjectCounts;

const FACTORIES: Record<Kind, 'createBuffer' | 'createTexture' | 'createQuerySet'> = {
  buffers: 'createBuffer',
  textures: 'createTexture',
  querySets: 'createQuerySet',
};

/**
 * Counts the buffers, textures and query sets alive on the devices it watches — ours and onnxruntime-web's, since
 * it creates them on our device — so a long run can show that nothing accumulates. An object stops counting when
 * it is destroyed, when the garbage collector frees it, or when its device is gone.
 */
export class GpuCensus {
  readonly #devices = new Map<GPUDevice, GpuObjectCounts>();
  readonly #collected = new FinalizationRegistry<() => void>((release) => release());

  watch(device: GPUDevice): void {
    const counts: GpuObjectCounts = { buffers: 0, textures: 0, querySets: 0 };
    this.#devices.set(device, counts);
    for (const kind of Object.keys(FACTORIES) as Kind[]) this.#countCreations(device, kind, counts);
    void device.lost.then(() => this.#devices.delete(device));
  }

  /** Sums over the watched devices that are not lost. */
  alive(): GpuObjectCounts {
    const total: GpuObjectCounts = { buffers: 0, textures: 0, querySets: 0 };
    for (const counts of this.#devices.values()) {
      for (const kind of Object.keys(total) as Kind[]) total[kind] += counts[kind];
    }
    return total;
  }

  #countCreations(device: GPUDevice, kind: Kind, counts: GpuObjectCounts): void {
    const name = FACTORIES[kind];
    const create = device[name].bind(device) as (descriptor: never) => { destroy(): void };
    const counted = (descriptor: never) => {
      const object = create(descriptor);
      counts[kind]++;
      const release = releaser(counts, kind);
      const destroy = object.destroy.bind(object);
      object.destroy = () => {
        release();
        destroy();
      };
      this.#collected.register(object, release);
      return object;
    };
    Object.assign(device, { [name]: counted });
  }
}

/**
 * Made apart from the object it counts: a finalizer's held value that reached the object (through a shared closure
 * scope, say) would keep it alive for ever, and the census would leak everything it counts.
 */
function releaser(counts: GpuObjectCounts, kind: Kind): () => void {
  let released = false;
  return () => {
    if (released) return;
    released = true;
    counts[kind]--;
  };
}
