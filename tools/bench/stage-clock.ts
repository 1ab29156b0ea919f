import type { StageEdge, StageProbe } from '../../src/gpu/stage-probe';

/**
 * How a stage's time was taken. gpu: timestamp queries around its passes; gpu-span: timestamps around work that
 * onnxruntime submits itself (idle gaps between its submits included); cpu: performance.now() around CPU work;
 * wall: submit until onSubmittedWorkDone, where the adapter has no timestamp-query.
 */
export type StageKind = 'gpu' | 'gpu-span' | 'cpu' | 'wall';

export interface StageTime {
  ms: number;
  kind: StageKind;
}

export interface StageClockOptions {
  /** Use timestamp queries (the device must have been created with 'timestamp-query'). */
  timestamps: boolean;
  /** Stages marked without an encoder whose GPU work others submit: timed on the GPU too, by marker submits. */
  gpuSpans?: readonly string[];
  /** Timestamps a frame may take; two per marked piece. */
  capacity?: number;
}

interface Span {
  stage: string;
  begin: number;
  end: number;
  kind: StageKind;
}

/**
 * A StageProbe that times one frame at a time: frameStart(), the marked work, frameEnd() for each stage's total.
 * GPU marks are empty compute passes that write a timestamp: a begin mark at the end of its pass (after the work
 * before it), an end mark at the beginning of its pass (before the work after it). Timestamps of different
 * submits on one queue share a timeline, so a stage may start in one command buffer and end in another.
 */
export class StageClock<S extends string> implements StageProbe<S> {
  readonly timestamps: boolean;
  #device: GPUDevice;
  #gpuSpans: ReadonlySet<string>;
  #capacity: number;
  #querySet: GPUQuerySet | null;
  #resolve: GPUBuffer | null;
  #readback: GPUBuffer | null;
  #next = 0;
  #open = new Map<string, { at: number; kind: StageKind }[]>();
  #spans: Span[] = [];

  constructor(device: GPUDevice, o: StageClockOptions) {
    this.#device = device;
    this.timestamps = o.timestamps;
    this.#gpuSpans = new Set(o.gpuSpans ?? []);
    this.#capacity = o.capacity ?? 256;
    const bytes = 8 * this.#capacity;
    this.#querySet = o.timestamps
      ? device.createQuerySet({ label: 'stage-clock', type: 'timestamp', count: this.#capacity })
      : null;
    this.#resolve = o.timestamps
      ? device.createBuffer({
          label: 'stage-clock-resolve',
          size: bytes,
          usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
        })
      : null;
    this.#readback = o.timestamps
      ? device.createBuffer({
          label: 'stage-clock-readback',
          size: bytes,
          usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
        })
      : null;
  }

  frameStart(): void {
    this.#next = 0;
    this.#open.clear();
    this.#spans = [];
  }

  mark(stage: S, edge: StageEdge, encoder?: GPUCommandEncoder): void {
    if (encoder) {
      if (this.#querySet) this.#edge(stage, edge, 'gpu', this.#gpuMark(encoder, edge));
      return;
    }
    if (this.#querySet && this.#gpuSpans.has(stage)) {
      const marker = this.#device.createCommandEncoder({ label: `stage-clock-${stage}` });
      const at = this.#gpuMark(marker, edge);
      this.#device.queue.submit([marker.finish()]);
      this.#edge(stage, edge, 'gpu-span', at);
    }
    this.#edge(stage, edge, 'cpu', performance.now());
  }

  /**
   * Times `work`, which does `stage`'s GPU work by queue operations (a copy into a texture) or by encoding into the
   * encoder it is given (submitted after it returns). With timestamps nothing waits; without, the queue is drained
   * first and the stage's time is the wall time until the queue is done again.
   */
  async queued(stage: S, work: (encoder: GPUCommandEncoder) => void): Promise<void> {
    const queue = this.#device.queue;
    const submit = () => {
      const encoder = this.#device.createCommandEncoder({ label: stage });
      work(encoder);
      this.mark(stage, 'end', encoder);
      queue.submit([encoder.finish()]);
    };
    if (this.#querySet) {
      // Its own submit: queue operations in `work` run before the commands of any encoder not yet submitted.
      const before = this.#device.createCommandEncoder({ label: `stage-clock-${stage}` });
      this.mark(stage, 'begin', before);
      queue.submit([before.finish()]);
      submit();
      return;
    }
    await this.waited(stage, () => {
      submit();
      return undefined;
    });
  }

  /**
   * Wall time from a drained queue until the queue is done after `work`: for work that converts on the CPU before
   * it queues its GPU part (FrameImporter's cpu path), which GPU timestamps would not see, and for queued() where
   * there are no timestamps.
   */
  async waited(stage: S, work: () => Promise<void> | undefined): Promise<void> {
    const queue = this.#device.queue;
    await queue.onSubmittedWorkDone();
    const t0 = performance.now();
    await work();
    await queue.onSubmittedWorkDone();
    this.#spans.push({ stage, begin: t0, end: performance.now(), kind: 'wall' });
  }

  /**
   * Each stage's total for the frame. A stage timed on the GPU reports that (gpu before gpu-span), else its CPU
   * or wall time. Waits for the frame's timestamps: call after the frame's work, outside its timing.
   */
  async frameEnd(): Promise<Map<S, StageTime>> {
    const ns = await this.#readTimestamps();
    const totals = new Map<string, Map<StageKind, number>>();
    for (const s of this.#spans) {
      const ms = s.kind === 'gpu' || s.kind === 'gpu-span' ? gpuMs(ns, s.begin, s.end) : s.end - s.begin;
      const byKind = totals.get(s.stage) ?? new Map<StageKind, number>();
      byKind.set(s.kind, (byKind.get(s.kind) ?? 0) + ms);
      totals.set(s.stage, byKind);
    }
    const out = new Map<S, StageTime>();
    for (const [stage, byKind] of totals) {
      const kind = (['gpu', 'gpu-span', 'wall', 'cpu'] as const).find((k) => byKind.has(k))!;
      out.set(stage as S, { ms: byKind.get(kind)!, kind });
    }
    return out;
  }

  destroy(): void {
    this.#querySet?.destroy();
    this.#resolve?.destroy();
    this.#readback?.destroy();
  }

  #gpuMark(encoder: GPUCommandEncoder, edge: StageEdge): number {
    const index = this.#next++;
    if (index >= this.#capacity)
      throw new RangeError(`stage clock: more than ${this.#capacity} timestamps in one frame`);
    const querySet = this.#querySet!;
    const timestampWrites =
      edge === 'begin' ? { querySet, endOfPassWriteIndex: index } : { querySet, beginningOfPassWriteIndex: index };
    encoder.beginComputePass({ label: `stage-clock-${edge}`, timestampWrites }).end();
    return index;
  }

  #edge(stage: string, edge: StageEdge, kind: StageKind, at: number): void {
    const open = this.#open.get(stage) ?? [];
    this.#open.set(stage, open);
    if (edge === 'begin') {
      open.push({ at, kind });
      return;
    }
    const i = open.findIndex((o) => o.kind === kind);
    if (i < 0) throw new Error(`stage clock: ${stage} ended (${kind}) without a begin`);
    const [begin] = open.splice(i, 1);
    this.#spans.push({ stage, begin: begin.at, end: at, kind });
  }

  async #readTimestamps(): Promise<BigUint64Array | null> {
    if (!this.#querySet || this.#next === 0) return null;
    const bytes = 8 * this.#next;
    const encoder = this.#device.createCommandEncoder({ label: 'stage-clock-resolve' });
    encoder.resolveQuerySet(this.#querySet, 0, this.#next, this.#resolve!, 0);
    encoder.copyBufferToBuffer(this.#resolve!, 0, this.#readback!, 0, bytes);
    this.#device.queue.submit([encoder.finish()]);
    await this.#readback!.mapAsync(GPUMapMode.READ, 0, bytes);
    const ns = new BigUint64Array(this.#readback!.getMappedRange(0, bytes).slice(0));
    this.#readback!.unmap();
    return ns;
  }
}

/** Milliseconds between two timestamps; 0 where a driver reports them out of order. */
function gpuMs(ns: BigUint64Array | null, begin: number, end: number): number {
  if (!ns) return 0;
  return ns[end] > ns[begin] ? Number(ns[end] - ns[begin]) / 1e6 : 0;
}
