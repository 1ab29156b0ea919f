import type { RgbaImage } from '../core/types';
import {
  DEFAULT_MAX_FACES,
  FaceFlag,
  planAnonymize,
  type AnonymizeParams,
  type AnonymizePlan,
  type PlannedFace,
} from './anonymize-plan';
import { coverage, maskDistance, onOutline } from './mask-shape';
import { inSpan, type Span } from './span';
import { decode, encodeChannel, fixedChannel, fromFixed, srgbTables } from './srgb';

// CPU twin of anonymize.wgsl, stage for stage: the same plan, kernels, mosaic blocks, clamp-to-edge, bilinear,
// colour tables and rounding. Its grids hold what the GPU's rgba8unorm textures hold, as 0..255 values; its
// arithmetic is f64 where the GPU's is f32, so a value landing on a rounding step may come out one apart. It walks the plan's
// spans where the GPU walks the tiles they touch; what the GPU computes beyond the spans is never read, or
// (composite) the same copy of the input that the GPU's copy pass would have made.

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

/** Each pixel of the spans once (overlapping faces share pixels), row by row within each span. */
function forSpans(spans: readonly Span[], fn: (x: number, y: number) => void): void {
  const seen = new Set<number>();
  const bound = Math.max(1, ...spans.map((s) => s[2] + 1));
  for (const s of spans) {
    for (let y = s[1]; y <= s[3]; y++) {
      for (let x = s[0]; x <= s[2]; x++) {
        if (spans.length > 1) {
          const key = y * bound + x;
          if (seen.has(key)) continue;
          seen.add(key);
        }
        fn(x, y);
      }
    }
  }
}

/** Twin of strongest(). */
function strongest(
  faces: readonly PlannedFace[],
  x: number,
  y: number,
  coarse: boolean,
  vertical: boolean,
): PlannedFace | null {
  let best: PlannedFace | null = null;
  for (const f of faces) {
    if (!(f.flags & FaceFlag.blur) || ((f.flags & FaceFlag.coarse) !== 0) !== coarse) continue;
    if (inSpan(vertical ? f.vrect : f.support, x, y) && f.sigma > (best?.sigma ?? 0)) best = f;
  }
  return best;
}

/** Twin of load_linear(): the texel at (x, y) of a grid of bytes, decoded, into `out` at `to`. */
function loadLinear(g: Grid, x: number, y: number, out: Float64Array, to = 0): void {
  decode(g.data, (y * g.width + x) * 4, out, to);
}

/** Twin of store(encode(c)): linear light to the bytes the GPU stores. */
function storeLinear(g: Grid, x: number, y: number, c: ArrayLike<number>): void {
  for (let k = 0; k < 4; k++) g.data[(y * g.width + x) * 4 + k] = quantize(encodeChannel(c[k], k));
}

/** Twin of blur_1d, in linear light, into `out` (four channels). */
function blur1d(src: Grid, x: number, y: number, f: PlannedFace, horizontal: boolean, out: Float64Array): void {
  const w = f.weights;
  const tap = new Float64Array(8);
  loadLinear(src, x, y, tap);
  for (let c = 0; c < 4; c++) out[c] = w[0] * tap[c];
  for (let i = 1; i <= f.radius; i++) {
    if (horizontal) {
      loadLinear(src, Math.max(x - i, 0), y, tap, 0);
      loadLinear(src, Math.min(x + i, src.width - 1), y, tap, 4);
    } else {
      loadLinear(src, x, Math.max(y - i, 0), tap, 0);
      loadLinear(src, x, Math.min(y + i, src.height - 1), tap, 4);
    }
    for (let c = 0; c < 4; c++) out[c] += w[i] * (tap[c] + tap[c + 4]);
  }
}

function blurPass(
  src: Grid,
  dst: Grid,
  spans: readonly Span[],
  faces: readonly PlannedFace[],
  coarse: boolean,
  horizontal: boolean,
): void {
  const acc = new Float64Array(4);
  forSpans(spans, (x, y) => {
    const f = strongest(faces, x, y, coarse, !horizontal);
    if (!f) return;
    blur1d(src, x, y, f, horizontal, acc);
    storeLinear(dst, x, y, acc);
  });
}

/** Twin of downsample: the mean of each cell's pixels in fixed-point linear light. */
function downsample(src: Grid, dst: Grid, spans: readonly Span[], factor: number): void {
  const mean = new Float64Array(4);
  forSpans(spans, (cx, cy) => {
    const x1 = Math.min(cx * factor + factor, src.width);
    const y1 = Math.min(cy * factor + factor, src.height);
    const n = (x1 - cx * factor) * (y1 - cy * factor);
    for (let c = 0; c < 4; c++) {
      let sum = 0;
      for (let y = cy * factor; y < y1; y++)
        for (let x = cx * factor; x < x1; x++) sum += fixedChannel(src.data[(y * src.width + x) * 4 + c], c);
      mean[c] = fromFixed(sum, n, c);
    }
    storeLinear(dst, cx, cy, mean);
  });
}

/** Twin of mosaic_blocks and block_at: every face's block means, linear, in the plan's block order. */
function mosaicBlocks(frame: Grid, plan: AnonymizePlan): Float64Array {
  const out = new Float64Array(plan.blockTotal * 4);
  for (const f of plan.faces) {
    const [nx, ny] = f.blockCount;
    for (let j = 0; j < nx * ny; j++) {
      const x0 = f.blockOrigin[0] + (j % nx) * f.block;
      const y0 = f.blockOrigin[1] + Math.floor(j / nx) * f.block;
      const [fx, fy] = [Math.max(x0, 0), Math.max(y0, 0)];
      const [ex, ey] = [Math.min(x0 + f.block, frame.width), Math.min(y0 + f.block, frame.height)];
      const n = (ex - fx) * (ey - fy);
      for (let c = 0; c < 4; c++) {
        let sum = 0;
        for (let y = fy; y < ey; y++)
          for (let x = fx; x < ex; x++) sum += fixedChannel(frame.data[(y * frame.width + x) * 4 + c], c);
        out[(f.blockBase + j) * 4 + c] = fromFixed(sum, n, c);
      }
    }
  }
  return out;
}

/** Twin of in_blocks(). */
function inBlocks(f: PlannedFace, x: number, y: number): boolean {
  const [dx, dy] = [x - f.blockOrigin[0], y - f.blockOrigin[1]];
  return (
    f.block > 0 &&
    dx >= 0 &&
    dy >= 0 &&
    Math.floor(dx / f.block) < f.blockCount[0] &&
    Math.floor(dy / f.block) < f.blockCount[1]
  );
}

/** The mean of the block holding (x, y), as block_at() returns it. */
function blockAt(means: Float64Array, f: PlannedFace, x: number, y: number): Float64Array {
  const bx = Math.floor((x - f.blockOrigin[0]) / f.block);
  const by = Math.floor((y - f.blockOrigin[1]) / f.block);
  const k = (f.blockBase + by * f.blockCount[0] + bx) * 4;
  return means.subarray(k, k + 4);
}

/** Twin of fill: the frame as the "strong" blur reads it, where it reads it. */
function fill(means: Float64Array, plan: AnonymizePlan): Grid {
  const out = grid(plan.width, plan.height);
  forSpans(plan.spans.fill, (x, y) => {
    let best: PlannedFace | null = null;
    for (const f of plan.faces) {
      if (f.flags & FaceFlag.blur && inBlocks(f, x, y) && f.sigma > (best?.sigma ?? 0)) best = f;
    }
    if (best) storeLinear(out, x, y, blockAt(means, best, x, y));
  });
  return out;
}

/**
 * Twin of bilinear() (linear light) or of full_frame's interpolation (`linear` false: the bytes themselves):
 * cell centres at (i + 0.5) * factor, positions in exact half pixels, vertical first.
 */
function bilinear(g: Grid, x: number, y: number, factor: number, out: Float64Array, linear = true): void {
  const den = 2 * factor;
  const axis = (p: number, size: number): [number, number, number] => {
    const n = 2 * p + 1 - factor;
    const i0 = Math.floor(n / den);
    return [Math.min(Math.max(i0, 0), size - 1), Math.min(Math.max(i0 + 1, 0), size - 1), n - i0 * den];
  };
  const [x0, x1, rx] = axis(x, g.width);
  const [y0, y1, ry] = axis(y, g.height);
  const cells = new Float64Array(16);
  [
    [x0, y0],
    [x1, y0],
    [x0, y1],
    [x1, y1],
  ].forEach(([cx, cy], k) => {
    if (linear) loadLinear(g, cx, cy, cells, 4 * k);
    else cells.set(g.data.subarray((cy * g.width + cx) * 4, (cy * g.width + cx) * 4 + 4), 4 * k);
  });
  for (let c = 0; c < 4; c++) {
    const left = cells[c] * (den - ry) + cells[8 + c] * ry;
    const right = cells[4 + c] * (den - ry) + cells[12 + c] * ry;
    out[c] = (left * (den - rx) + right * rx) / (den * den);
  }
}

/**
 * Runs a plan on the CPU; exported so tests can inspect the plan they compare against. `linearUpsample`
 * departs from the GPU: the full-frame upsampling in linear light, to measure what interpolating bytes costs.
 */
export function runPlanRef(img: RgbaImage, plan: AnonymizePlan, o: { linearUpsample?: boolean } = {}): RgbaImage {
  const { width, height, faces, spans } = plan;
  const frame = grid(width, height);
  frame.data.set(img.data);
  const means = mosaicBlocks(frame, plan);
  const blurInput = plan.effect === 'strong' ? fill(means, plan) : frame;

  const rows = grid(width, height);
  blurPass(blurInput, rows, spans.directH, faces, false, true);
  const cells = grid(plan.coarseWidth, plan.coarseHeight);
  const cellRows = grid(plan.coarseWidth, plan.coarseHeight);
  const cellsBlurred = grid(plan.coarseWidth, plan.coarseHeight);
  downsample(blurInput, cells, spans.coarseDown, plan.factor);
  blurPass(cells, cellRows, spans.coarseH, faces, true, true);
  blurPass(cellRows, cellsBlurred, spans.coarseV, faces, true, false);

  const out = plan.transparent ? new Uint8Array(img.data.length) : new Uint8Array(img.data);
  const { linear } = srgbTables();
  const solid = [...plan.color.map((c) => linear[c]), 1];
  const effect = new Float64Array(4);
  const input = new Float64Array(4);
  forSpans(spans.composite, (x, y) => {
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
    if (plan.effect === 'solid') effect.set(solid);
    else if (plan.effect === 'mosaic') effect.set(blockAt(means, best, x, y));
    else if (best.flags & FaceFlag.coarse) bilinear(cellsBlurred, x, y, plan.factor, effect);
    else blur1d(rows, x, y, best, false, effect);
    const i = (y * width + x) * 4;
    if (plan.transparent) {
      const a = effect[3] * alpha;
      for (let c = 0; c < 3; c++) out[i + c] = quantize(encodeChannel(effect[c], c) * a);
      out[i + 3] = quantize(255 * a);
    } else {
      decode(frame.data, i, input);
      for (let c = 0; c < 4; c++) out[i + c] = quantize(encodeChannel(input[c] * (1 - alpha) + effect[c] * alpha, c));
    }
  });
  if (plan.fullFrame) {
    // Twin of full_frame: the cover face's coarse grid, upsampled everywhere, interpolating its bytes.
    forSpans([[0, 0, width - 1, height - 1]], (x, y) => {
      bilinear(cellsBlurred, x, y, plan.factor, effect, o.linearUpsample === true);
      for (let c = 0; c < 4; c++)
        out[(y * width + x) * 4 + c] = quantize(o.linearUpsample ? encodeChannel(effect[c], c) : effect[c]);
    });
  }
  // Twin of draw_outlines: the last outlined face at a pixel picks the colour.
  forSpans(spans.outlines, (x, y) => {
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
