import { random } from './random';
import type { RawOutputs } from '../detect/decode';
import { BOX_STRIDE } from '../detect/decode';

/** BlazeFace-256-shaped outputs: score logits in [-6, 6], box regressors within ±spread input pixels. */
export function randomRaw(seed: number, spread = 40): RawOutputs {
  const next = random(seed);
  const fill = (n: number, lo: number, hi: number) => Float32Array.from({ length: n }, () => lo + (hi - lo) * next());
  return {
    scores: [fill(512, -6, 6), fill(384, -6, 6)],
    boxes: [fill(512 * BOX_STRIDE, -spread, spread), fill(384 * BOX_STRIDE, -spread, spread)],
  };
}

/** Stands in for onnxruntime-web's output buffers: one per output, the crops' outputs back to back. */
export function uploadRaw(device: GPUDevice, crops: readonly RawOutputs[]): { scores: GPUBuffer[]; boxes: GPUBuffer[] } {
  const put = (parts: Float32Array[]) => {
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
  };
  const grids = crops[0].scores.length;
  return {
    scores: Array.from({ length: grids }, (_, g) => put(crops.map((c) => c.scores[g]))),
    boxes: Array.from({ length: grids }, (_, g) => put(crops.map((c) => c.boxes[g]))),
  };
}
