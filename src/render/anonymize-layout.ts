import { EffectCode, MAX_RADIUS, type AnonymizePlan } from './anonymize-plan';
import { srgbTables } from './srgb';

/** Byte offsets of `struct Params` in anonymize.wgsl (anonymize-layout.gpu.test.ts checks them against the WGSL). */
export const ANONYMIZE_PARAMS = {
  color: 0,
  extent: 16,
  size: 24,
  coarseSize: 32,
  count: 40,
  factor: 44,
  feather: 48,
  level: 52,
  tileBase: 56,
  tileCount: 60,
  effect: 64,
  transparent: 68,
  blockThreads: 72,
  byteSize: 80,
} as const;

/** Byte offsets of `struct Face` in anonymize.wgsl. */
export const ANONYMIZE_FACE = {
  center: 0,
  radii: 8,
  rect: 16,
  support: 32,
  vrect: 48,
  blockOrigin: 64,
  blockCount: 72,
  sigma: 80,
  radius: 84,
  kernel: 88,
  flags: 92,
  blockSize: 96,
  blockBase: 100,
  blockLanes: 104,
  threadBase: 108,
  byteSize: 112,
} as const;

/** Floats each face owns in the weights buffer, so a face's kernel index is a multiple of it. */
export const KERNEL_STRIDE = MAX_RADIUS + 1;

export interface PassParams {
  /** copy and full_frame: pixels the dispatch covers. */
  extent: readonly [number, number];
  /** Grid of the pass's input (clamp-to-edge bound). */
  size: readonly [number, number];
  level: 0 | 1;
  /** Tiled stages: where their tiles start in the tile buffer, and how many. */
  tileBase: number;
  tileCount: number;
}

export function writeParams(v: DataView, at: number, plan: AnonymizePlan, pass: PassParams): void {
  const P = ANONYMIZE_PARAMS;
  const { linear } = srgbTables();
  plan.color.forEach((c, i) => v.setFloat32(at + P.color + 4 * i, linear[c], true));
  v.setFloat32(at + P.color + 12, 1, true);
  v.setUint32(at + P.extent, pass.extent[0], true);
  v.setUint32(at + P.extent + 4, pass.extent[1], true);
  v.setUint32(at + P.size, pass.size[0], true);
  v.setUint32(at + P.size + 4, pass.size[1], true);
  v.setUint32(at + P.coarseSize, plan.coarseWidth, true);
  v.setUint32(at + P.coarseSize + 4, plan.coarseHeight, true);
  v.setUint32(at + P.count, plan.faces.length, true);
  v.setUint32(at + P.factor, plan.factor, true);
  v.setFloat32(at + P.feather, plan.featherPx, true);
  v.setUint32(at + P.level, pass.level, true);
  v.setUint32(at + P.tileBase, pass.tileBase, true);
  v.setUint32(at + P.tileCount, pass.tileCount, true);
  v.setUint32(at + P.effect, EffectCode[plan.effect], true);
  v.setUint32(at + P.transparent, plan.transparent ? 1 : 0, true);
  v.setUint32(at + P.blockThreads, plan.blockThreads, true);
}

function putSpan(v: DataView, at: number, s: readonly number[]): void {
  s.forEach((n, i) => v.setInt32(at + 4 * i, n, true));
}

/** The plan's faces as `array<Face>` bytes, and their kernels at KERNEL_STRIDE floats apart. */
export function packFaces(plan: AnonymizePlan): { faces: ArrayBuffer; weights: Float32Array<ArrayBuffer> } {
  const F = ANONYMIZE_FACE;
  const faces = new ArrayBuffer(plan.faces.length * F.byteSize);
  const v = new DataView(faces);
  const weights = new Float32Array(plan.faces.length * KERNEL_STRIDE);
  plan.faces.forEach((f, i) => {
    const at = i * F.byteSize;
    v.setFloat32(at + F.center, f.cx, true);
    v.setFloat32(at + F.center + 4, f.cy, true);
    v.setFloat32(at + F.radii, f.rx, true);
    v.setFloat32(at + F.radii + 4, f.ry, true);
    putSpan(v, at + F.rect, f.rect);
    putSpan(v, at + F.support, f.support);
    putSpan(v, at + F.vrect, f.vrect);
    putSpan(v, at + F.blockOrigin, f.blockOrigin);
    v.setUint32(at + F.blockCount, f.blockCount[0], true);
    v.setUint32(at + F.blockCount + 4, f.blockCount[1], true);
    v.setFloat32(at + F.sigma, f.sigma, true);
    v.setUint32(at + F.radius, f.radius, true);
    v.setUint32(at + F.kernel, i * KERNEL_STRIDE, true);
    v.setUint32(at + F.flags, f.flags, true);
    v.setUint32(at + F.blockSize, f.block, true);
    v.setUint32(at + F.blockBase, f.blockBase, true);
    v.setUint32(at + F.blockLanes, f.blockLanes, true);
    v.setUint32(at + F.threadBase, f.threadBase, true);
    weights.set(f.weights, i * KERNEL_STRIDE);
  });
  return { faces, weights };
}
