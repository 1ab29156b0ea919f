import { random } from './random';
import type { RawOutputs } from '../detect/decode';
import { BOX_STRIDE } from '../detect/decode';
import { YUNET_N, type CpuOutputs, type InputSize } from '../detect/model';

/** BlazeFace-256-shaped outputs: score logits in [-6, 6], box regressors within ±spread input pixels. */
export function randomRaw(seed: number, spread = 40): RawOutputs {
  const next = random(seed);
  const fill = (n: number, lo: number, hi: number) => Float32Array.from({ length: n }, () => lo + (hi - lo) * next());
  return {
    scores: [fill(512, -6, 6), fill(384, -6, 6)],
    boxes: [fill(512 * BOX_STRIDE, -spread, spread), fill(384 * BOX_STRIDE, -spread, spread)],
  };
}

/** A BlazeFace RawOutputs as the model returns it: ModelSpec.outputs order (scores per grid, then boxes per grid). */
export function anchorCpuOutputs(raw: RawOutputs): CpuOutputs {
  return [...raw.scores, ...raw.boxes];
}

/**
 * YuNet-shaped outputs for an input of `size`, in YUNET_N.outputs order (cls, obj, bbox, kps, each per stride):
 * cls and obj in [0, 1] (so some products pass a threshold), centre and keypoint offsets within ±1 cell of their
 * cell, log-sizes in [-1, 2] (a third of a stride to over seven strides).
 */
export function randomGridRaw(seed: number, size: InputSize): CpuOutputs {
  if (YUNET_N.head.kind !== 'strides') throw new Error('YUNET_N has stride grids');
  const strides = YUNET_N.head.strides;
  const next = random(seed);
  const fill = (n: number, lo: number, hi: number) => Float32Array.from({ length: n }, () => lo + (hi - lo) * next());
  const cells = strides.map((s) => {
    if (size.width % s !== 0 || size.height % s !== 0)
      throw new RangeError(`${size.width}x${size.height} is not a multiple of stride ${s}`);
    return (size.width / s) * (size.height / s);
  });
  const bbox = (n: number) => {
    const b = new Float32Array(4 * n);
    for (let i = 0; i < n; i++) b.set([-1 + 2 * next(), -1 + 2 * next(), -1 + 3 * next(), -1 + 3 * next()], 4 * i);
    return b;
  };
  return [
    ...cells.map((n) => fill(n, 0, 1)),
    ...cells.map((n) => fill(n, 0, 1)),
    ...cells.map(bbox),
    ...cells.map((n) => fill(10 * n, -1, 1)),
  ];
}

/** Stands in for onnxruntime-web's output buffers: one per output (ModelSpec.outputs order), the crops' outputs back to back. */
export function uploadOutputs(device: GPUDevice, crops: readonly CpuOutputs[]): GPUBuffer[] {
  return crops[0].map((_, k) => {
    const parts = crops.map((c) => c[k]);
    const size = parts.reduce((n, p) => n + p.byteLength, 0);
    const b = device.createBuffer({ label: 'raw-output', size, usage: GPUBufferUsage.STORAGE, mappedAtCreation: true });
    const view = new Float32Array(b.getMappedRange());
    let at = 0;
    for (const p of parts) {
      view.set(p, at);
      at += p.length;
    }
    b.unmap();
    return b;
  });
}

/**
 * BlazeFace outputs uploaded as uploadOutputs does: `buffers` in ModelSpec.outputs order (what DecodePass.encode
 * takes), and the same buffers as `scores` and `boxes` per grid.
 */
export function uploadRaw(
  device: GPUDevice,
  crops: readonly RawOutputs[],
): { buffers: GPUBuffer[]; scores: GPUBuffer[]; boxes: GPUBuffer[] } {
  const grids = crops[0].scores.length;
  const buffers = uploadOutputs(device, crops.map(anchorCpuOutputs));
  return { buffers, scores: buffers.slice(0, grids), boxes: buffers.slice(grids) };
}
