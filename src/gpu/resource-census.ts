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

/** The WebGL2 objects counted, each pair's count kept as the kind beside it (framebuffers count as buffers). */
const GL_PAIRS = [
  ['createTexture', 'deleteTexture', 'textures'],
  ['createBuffer', 'deleteBuffer', 'buffers'],
  ['createFramebuffer', 'deleteFramebuffer', 'buffers'],
] as const;

/**
 * Counts the buffers, textures and query sets alive on the devices it watches — ours and onnxruntime-web's, since
 * it creates them on our device — so a long run can show that nothing accumulates. An object stops counting when
 * it is destroyed, when the garbage collector frees it, or when its device is gone. On a WebGL2 context it counts
 * textures, buffers and framebuffers from their creation to their deletion, until the context is lost.
 */
export class GpuCensus {
  readonly #devices = new Map<GPUDevice | WebGL2RenderingContext, GpuObjectCounts>();
  /**
   * The objects alive on each context whose methods are wrapped, one set per pair: a restored context is the same
   * object, counted afresh, and what was made before its loss is gone with it.
   */
  readonly #glLive = new WeakMap<WebGL2RenderingContext, Set<object>[]>();
  readonly #collected = new FinalizationRegistry<() => void>((release) => release());

  watch(device: GPUDevice): void {
    const counts: GpuObjectCounts = { buffers: 0, textures: 0, querySets: 0 };
    this.#devices.set(device, counts);
    for (const kind of Object.keys(FACTORIES) as Kind[]) this.#countCreations(device, kind, counts);
    void device.lost.then(() => this.#devices.delete(device));
  }

  /** Counts `gl`'s objects from now on (a context watched again after a loss starts from nothing). */
  watchGl(gl: WebGL2RenderingContext, canvas: HTMLCanvasElement | OffscreenCanvas): void {
    this.#devices.set(gl, { buffers: 0, textures: 0, querySets: 0 });
    const known = this.#glLive.get(gl);
    known?.forEach((live) => live.clear());
    canvas.addEventListener('webglcontextlost', () => this.#devices.delete(gl), { once: true });
    if (known) return;
    const sets = GL_PAIRS.map(() => new Set<object>());
    this.#glLive.set(gl, sets);
    GL_PAIRS.forEach(([create, remove, kind], i) => {
      const live = sets[i]!;
      const made = gl[create].bind(gl) as () => object | null;
      const deleted = gl[remove].bind(gl) as (object: object | null) => void;
      const current = () => this.#devices.get(gl);
      Object.assign(gl, {
        [create]: () => {
          const object = made();
          if (object) {
            live.add(object);
            const c = current();
            if (c) c[kind]++;
          }
          return object;
        },
        [remove]: (object: object | null) => {
          if (object && live.delete(object)) {
            const c = current();
            if (c) c[kind] = Math.max(0, c[kind] - 1);
          }
          deleted(object);
        },
      });
    });
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
