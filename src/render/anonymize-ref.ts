import type { RgbaImage } from '../detect/types';
import {
  DEFAULT_MAX_FACES, FaceFlag, planAnonymize, type AnonymizeParams, type AnonymizePlan, type PlannedFace,
} from './anonymize-plan';
import { coverage, maskDistance, onOutline } from './mask-shape';
import { inSpan, type Span } from './span';

// CPU twin of anonymize.wgsl, stage for stage: the same plan, kernels, clamp-to-edge, bilinear and rounding.
// Its grids hold what the GPU's rgba8unorm textures hold, as 0..255 values.

const OUTLINE_BLURRED = [0, 255, 102, 255];
const OUTLINE_EXCLUDED = [255, 176, 0, 255];

interface Grid {
  width: number;
  height: number;
  data: Float64Array;
}

function grid(width: number, height: number): Grid {
  return { width, height, data: new Float64Array(width * height * 4) };
}

/** Twin of store(): round half up. */
function quantize(v: number): number {
  return Math.floor(Math.min(Math.max(v, 0), 255) + 0.5);
}

function forSpan(s: Span, fn: (x: number, y: number) => void): void {
  for (let y = s[1]; y <= s[3]; y++) for (let x = s[0]; x <= s[2]; x++) fn(x, y);
}

/** Twin of strongest(). */
function strongest(faces: readonly PlannedFace[], x: number, y: number, coarse: boolean, vertical: boolean): PlannedFace | null {
  let best: PlannedFace | null = null;
  for (const f of faces) {
    if (!(f.flags & FaceFlag.blur) || ((f.flags & FaceFlag.coarse) !== 0) !== coarse) continue;
    if (inSpan(vertical ? f.vrect : f.support, x, y) && f.sigma > (best?.sigma ?? 0)) best = f;
  }
  return best;
}

/** Twin of blur_1d, into `out` (four channels) at `at`. */
function blur1d(src: Grid, x: number, y: number, f: PlannedFace, horizontal: boolean, out: Float64Array, at: number): void {
  const w = f.weights;
  for (let c = 0; c < 4; c++) {
    let acc = w[0] * src.data[(y * src.width + x) * 4 + c];
    for (let i = 1; i <= f.radius; i++) {
      const [ax, ay, bx, by] = horizontal
        ? [Math.max(x - i, 0), y, Math.min(x + i, src.width - 1), y]
        : [x, Math.max(y - i, 0), x, Math.min(y + i, src.height - 1)];
      acc += w[i] * (src.data[(ay * src.width + ax) * 4 + c] + src.data[(by * src.width + bx) * 4 + c]);
    }
    out[at + c] = acc;
  }
}

function blurPass(src: Grid, dst: Grid, span: Span, faces: readonly PlannedFace[], coarse: boolean, horizontal: boolean): void {
  const acc = new Float64Array(4);
  forSpan(span, (x, y) => {
    const f = strongest(faces, x, y, coarse, !horizontal);
    if (!f) return;
    blur1d(src, x, y, f, horizontal, acc, 0);
    for (let c = 0; c < 4; c++) dst.data[(y * dst.width + x) * 4 + c] = quantize(acc[c]);
  });
}

function downsample(src: Grid, dst: Grid, span: Span, factor: number): void {
  forSpan(span, (cx, cy) => {
    const x1 = Math.min(cx * factor + factor, src.width);
    const y1 = Math.min(cy * factor + factor, src.height);
    const n = (x1 - cx * factor) * (y1 - cy * factor);
    for (let c = 0; c < 4; c++) {
      let sum = 0;
      for (let y = cy * factor; y < y1; y++) for (let x = cx * factor; x < x1; x++) sum += src.data[(y * src.width + x) * 4 + c];
      dst.data[(cy * dst.width + cx) * 4 + c] = Math.floor((sum + Math.floor(n / 2)) / n);
    }
  });
}

/** Twin of bilinear(): cell centres at (i + 0.5) * factor, positions in exact half pixels. */
function bilinear(g: Grid, x: number, y: number, factor: number, out: Float64Array): void {
  const den = 2 * factor;
  const axis = (p: number, size: number): [number, number, number] => {
    const n = 2 * p + 1 - factor;
    const i0 = Math.floor(n / den);
    return [Math.min(Math.max(i0, 0), size - 1), Math.min(Math.max(i0 + 1, 0), size - 1), n - i0 * den];
  };
  const [x0, x1, rx] = axis(x, g.width);
  const [y0, y1, ry] = axis(y, g.height);
  const at = (cx: number, cy: number, c: number) => g.data[(cy * g.width + cx) * 4 + c];
  for (let c = 0; c < 4; c++) {
    const top = at(x0, y0, c) * (den - rx) + at(x1, y0, c) * rx;
    const bottom = at(x0, y1, c) * (den - rx) + at(x1, y1, c) * rx;
    out[c] = (top * (den - ry) + bottom * ry) / (den * den);
  }
}

/** Runs a plan on the CPU; exported so tests can inspect the plan they compare against. */
export function runPlanRef(img: RgbaImage, plan: AnonymizePlan): RgbaImage {
  const { width, height, faces } = plan;
  const frame = grid(width, height);
  frame.data.set(img.data);

  const rows = grid(width, height);
  blurPass(frame, rows, plan.directH, faces, false, true);
  const cells = grid(plan.coarseWidth, plan.coarseHeight);
  const cellRows = grid(plan.coarseWidth, plan.coarseHeight);
  const cellsBlurred = grid(plan.coarseWidth, plan.coarseHeight);
  downsample(frame, cells, plan.coarseDown, plan.factor);
  blurPass(cells, cellRows, plan.coarseH, faces, true, true);
  blurPass(cellRows, cellsBlurred, plan.coarseV, faces, true, false);

  const out = new Uint8Array(img.data);
  const blurred = new Float64Array(4);
  forSpan(plan.region, (x, y) => {
    let alpha = 0;
    let best: PlannedFace | null = null;
    for (const f of faces) {
      if (!(f.flags & FaceFlag.blur) || !inSpan(f.rect, x, y)) continue;
      const a = coverage(maskDistance(f, x + 0.5, y + 0.5), plan.featherPx);
      if (a > 0) {
        alpha = Math.max(alpha, a);
        if (f.sigma > (best?.sigma ?? 0)) best = f;
      }
    }
    if (!best) return;
    if (best.flags & FaceFlag.coarse) bilinear(cellsBlurred, x, y, plan.factor, blurred);
    else blur1d(rows, x, y, best, false, blurred, 0);
    for (let c = 0; c < 4; c++) {
      const i = (y * width + x) * 4 + c;
      out[i] = quantize(frame.data[i] * (1 - alpha) + blurred[c] * alpha);
    }
  });
  // Twin of draw_outlines: the last outlined face at a pixel picks the colour.
  forSpan(plan.outlines, (x, y) => {
    let colour: number[] | null = null;
    for (const f of faces) {
      if (f.flags & FaceFlag.outline && inSpan(f.rect, x, y) && onOutline(maskDistance(f, x + 0.5, y + 0.5))) {
        colour = f.flags & FaceFlag.excluded ? OUTLINE_EXCLUDED : OUTLINE_BLURRED;
      }
    }
    if (colour) out.set(colour, (y * width + x) * 4);
  });
  return { width, height, data: out };
}

/** CPU twin of AnonymizePass: the oracle for its tests and a fallback where WebGPU is missing. */
export function anonymizeRef(img: RgbaImage, p: AnonymizeParams, maxFaces = DEFAULT_MAX_FACES): RgbaImage {
  return runPlanRef(img, planAnonymize(img.width, img.height, p, maxFaces));
}
