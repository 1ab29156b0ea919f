import spanCode from '../track/cell-span.wgsl?raw';
import code from './motion-guard.wgsl?raw';
import { IN_PROGRESS } from './motion-guard';
import { CompiledPipeline } from '../gpu/compute-pipeline';
import type { EncodedThumbnail } from '../track/thumbnail-pass';
import { THUMB_H, THUMB_W } from '../track/thumbnail';

/**
 * Thumbnails kept on the GPU, one a frame: the newest result's frame must still be among them. A result older than
 * the trust budget blurs the frame whole anyway; at 60 frames a second these reach 4.2 s back, past any automatic
 * budget (at most 1 s). Past it (a budget set by hand) the CPU's guard alone judges, a frame late.
 */
const RING_SLOTS = 256;
const NONE = 0xffffffff;
const UNIFORM_BYTES = 32;

/** What the guard judges a frame by. */
export interface FrameMotion {
  /** The frame's capture time. */
  nowMs: number;
  /** The newest result's frame; null: nothing to judge (no result yet, or the frame is blurred whole anyway). */
  resultCaptureMs: number | null;
  /** Mean change 0..255 that trips the guard (motion-guard.ts). */
  threshold: number;
}

/**
 * The motion guard on the GPU (motion-guard.wgsl), for the WebGPU backend, whose pictures reach the CPU a frame
 * late: every drawn frame's thumbnail goes into a ring on the GPU, and a frame whose picture has moved on too far
 * from the newest result's frame (or from the frame before) is covered whole on that frame, through indirect
 * dispatches that the pass empties when it does not trip. The CPU's guard goes on deciding the rest (the tracker's
 * jumps, the status line) from the same thumbnails a frame later, with the same rule.
 */
export class MotionGuardPass {
  readonly ready: Promise<void>;
  /** Indirect dispatch arguments, zeroed on the GPU on every frame the guard does not trip. */
  readonly args: GPUBuffer;
  #device: GPUDevice;
  #pipeline: CompiledPipeline;
  #uniform: GPUBuffer;
  #ring: GPUBuffer;
  /** Frames whose thumbnail is in the ring, oldest first. */
  #frames: { ms: number; slot: number }[] = [];
  #next = 0;
  #groups = new WeakMap<GPUBuffer, GPUBindGroup>();

  /** `argsBytes`: the indirect arguments the cover needs (INDIRECT_ARGS_BYTES). */
  constructor(device: GPUDevice, argsBytes: number) {
    this.#device = device;
    this.#pipeline = new CompiledPipeline(device, 'motion-guard', spanCode + code, { TW: THUMB_W, TH: THUMB_H });
    this.ready = this.#pipeline.ready;
    this.#uniform = device.createBuffer({
      label: 'motion-guard-params',
      size: UNIFORM_BYTES,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    this.#ring = device.createBuffer({
      label: 'motion-guard-thumbnails',
      size: RING_SLOTS * THUMB_W * THUMB_H * 4,
      usage: GPUBufferUsage.STORAGE,
    });
    this.args = device.createBuffer({
      label: 'motion-guard-cover-args',
      size: argsBytes,
      // Read back by the tests, which see the guard's verdict in it.
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.INDIRECT | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC,
    });
  }

  /**
   * Encodes the judgement of the frame whose picture is `picture`. Every frame's thumbnail is kept, judged or not.
   * Unless the guard trips, every u32 of `args` is zeroed on the GPU: the whole-frame cover encoded after this,
   * dispatched indirectly from `args`, then draws nothing. Returns whether it was encoded: false while the pipeline
   * compiles (then the CPU's guard alone judges).
   */
  encode(encoder: GPUCommandEncoder, picture: EncodedThumbnail, motion: FrameMotion): boolean {
    if (!this.#pipeline.compiled) return false;
    const { nowMs, resultCaptureMs: result, threshold } = motion;
    const previous = this.#frames.at(-1);
    // Frames of an old source need no forgetting: a result of the new one came from a frame drawn after them. No
    // frame as old as the result's kept: nothing to judge by (as the CPU's guard, which then never trips).
    let then: { ms: number; slot: number } | undefined;
    if (result !== null) for (const f of this.#frames) if (f.ms <= result) then = f;
    const slot = this.#next;
    this.#next = (slot + 1) % RING_SLOTS;
    // Slots are taken in turn: the one taken now is the oldest frame's once the ring is full.
    if (this.#frames.length === RING_SLOTS) this.#frames.shift();
    this.#frames.push({ ms: nowMs, slot });

    const params = new DataView(new ArrayBuffer(UNIFORM_BYTES));
    [picture.width, picture.height, slot].forEach((v, i) => params.setUint32(4 * i, v, true));
    params.setUint32(12, then && result !== null && nowMs > result ? then.slot : NONE, true);
    params.setUint32(16, then && previous ? previous.slot : NONE, true);
    params.setFloat32(20, threshold, true);
    params.setFloat32(24, threshold * IN_PROGRESS, true);
    this.#device.queue.writeBuffer(this.#uniform, 0, params.buffer);

    const pass = encoder.beginComputePass({ label: 'motion-guard' });
    pass.setPipeline(this.#pipeline.pipeline);
    pass.setBindGroup(0, this.#group(picture.cells));
    pass.dispatchWorkgroups(1);
    pass.end();
    return true;
  }

  destroy(): void {
    this.#uniform.destroy();
    this.#ring.destroy();
    this.args.destroy();
  }

  #group(picture: GPUBuffer): GPUBindGroup {
    let group = this.#groups.get(picture);
    if (!group) {
      group = this.#device.createBindGroup({
        label: 'motion-guard',
        layout: this.#pipeline.pipeline.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: this.#uniform } },
          { binding: 1, resource: { buffer: picture } },
          { binding: 2, resource: { buffer: this.#ring } },
          { binding: 3, resource: { buffer: this.args } },
        ],
      });
      this.#groups.set(picture, group);
    }
    return group;
  }
}
