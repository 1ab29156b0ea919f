import { MAX_RADIUS, type AnonymizePlan } from './anonymize-plan';
import { spanSize, type Span } from './span';

/** Byte offsets of `struct Params` in anonymize.wgsl (anonymize-layout.test.ts checks them against the WGSL). */
export const ANONYMIZE_PARAMS = {
  origin: 0, extent: 8, size: 16, coarseSize: 24, region: 32, count: 48, factor: 52, feather: 56, level: 60, byteSize: 64,
} as const;

/** Byte offsets of `struct Face` in anonymize.wgsl. */
export const ANONYMIZE_FACE = {
  center: 0, radii: 8, rect: 16, support: 32, vrect: 48, sigma: 64, radius: 68, kernel: 72, flags: 76, byteSize: 80,
} as const;

/** Floats each face owns in the weights buffer, so a face's kernel index is a multiple of it. */
export const KERNEL_STRIDE = MAX_RADIUS + 1;

export interface PassParams {
  /** Pixels the dispatch covers. */
  span: Span;
  /** Grid of the pass's input (clamp-to-edge bound). */
  size: readonly [number, number];
  level: 0 | 1;
}

function putSpan(v: DataView, at: number, s: Span): void {
  s.forEach((n, i) => v.setInt32(at + 4 * i, n, true));
}

export function writeParams(v: DataView, at: number, plan: AnonymizePlan, pass: PassParams): void {
  const P = ANONYMIZE_PARAMS;
  const [w, h] = spanSize(pass.span);
  v.setUint32(at + P.origin, w ? pass.span[0] : 0, true);
  v.setUint32(at + P.origin + 4, h ? pass.span[1] : 0, true);
  v.setUint32(at + P.extent, w, true);
  v.setUint32(at + P.extent + 4, h, true);
  v.setUint32(at + P.size, pass.size[0], true);
  v.setUint32(at + P.size + 4, pass.size[1], true);
  v.setUint32(at + P.coarseSize, plan.coarseWidth, true);
  v.setUint32(at + P.coarseSize + 4, plan.coarseHeight, true);
  putSpan(v, at + P.region, plan.region);
  v.setUint32(at + P.count, plan.faces.length, true);
  v.setUint32(at + P.factor, plan.factor, true);
  v.setFloat32(at + P.feather, plan.featherPx, true);
  v.setUint32(at + P.level, pass.level, true);
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
    v.setFloat32(at + F.sigma, f.sigma, true);
    v.setUint32(at + F.radius, f.radius, true);
    v.setUint32(at + F.kernel, i * KERNEL_STRIDE, true);
    v.setUint32(at + F.flags, f.flags, true);
    weights.set(f.weights, i * KERNEL_STRIDE);
  });
  return { faces, weights };
}
