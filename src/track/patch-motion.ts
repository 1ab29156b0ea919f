import type { Rect } from '../core/types';

/**
 * Where a face went between two frames, measured from the pictures: the patch around its box in the earlier
 * frame's luma is looked for in the later one (zero-mean normalised cross-correlation, coarse to fine over a
 * small pyramid, a few scales at the finest level). This is what lets the tracker draw tight boxes between
 * detections: a detection is 3-5 frames old by the time it is drawn, and without the picture the margin must
 * cover every way the face could have moved meanwhile. MediaPipe's box tracker does the same job with feature
 * tracks; a face-sized patch is enough here.
 */

/** Luma (0..255), rows top to bottom, for one frame at reduced size. */
export interface Luma {
  width: number;
  height: number;
  data: ArrayLike<number>;
}

/** Longest side of the luma image the tracker matches on: cells of 2x2 px at 640x360, 6x6 at 1080p. */
export const LUMA_SIDE = 320;

/** Size of the luma image for a frame: longest side LUMA_SIDE (never upscaled), aspect kept. */
export function lumaSize(frame: { width: number; height: number }): { width: number; height: number } {
  const s = Math.min(1, LUMA_SIDE / Math.max(frame.width, frame.height));
  return { width: Math.max(1, Math.round(frame.width * s)), height: Math.max(1, Math.round(frame.height * s)) };
}

/** One frame's luma and its 2x-downsampled levels, level 0 first. */
export type Pyramid = readonly Luma[];

/** Levels stop once the image is this small: a face there is a few pixels and nothing is left to match. */
const MIN_LEVEL_SIDE = 24;

export function pyramid(luma: Luma): Pyramid {
  const levels: Luma[] = [{ width: luma.width, height: luma.height, data: Float32Array.from(luma.data) }];
  for (;;) {
    const prev = levels[levels.length - 1]!;
    const width = prev.width >> 1;
    const height = prev.height >> 1;
    if (Math.min(width, height) < MIN_LEVEL_SIDE) return levels;
    const data = new Float32Array(width * height);
    const p = prev.data;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = 2 * y * prev.width + 2 * x;
        data[y * width + x] = (p[i]! + p[i + 1]! + p[i + prev.width]! + p[i + prev.width + 1]!) / 4;
      }
    }
    levels.push({ width, height, data });
  }
}

/** Standard deviation of `l`'s luma over the part of `box` (its pixels) inside it; 0 when none is. */
export function textureIn(l: Luma, box: Rect): number {
  const x0 = Math.max(0, Math.floor(box.x));
  const y0 = Math.max(0, Math.floor(box.y));
  const x1 = Math.min(l.width, Math.ceil(box.x + box.w));
  const y1 = Math.min(l.height, Math.ceil(box.y + box.h));
  let n = 0;
  let sum = 0;
  let sum2 = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const v = l.data[y * l.width + x]!;
      n++;
      sum += v;
      sum2 += v * v;
    }
  }
  if (n === 0) return 0;
  const mean = sum / n;
  return Math.sqrt(Math.max(0, sum2 / n - mean * mean));
}

export interface PatchMatchOptions {
  /** The patch is the box grown by this factor: a little hair and background give a small face texture to hold on to. */
  context: number;
  /** Farthest the patch is looked for from `guess`, in luma pixels of level 0. */
  range: number;
  /** Scale steps tried at the finest level, each side of 1 (relative size change per step). */
  scaleStep: number;
  scaleSteps: number;
  /** Most sample points across (and down) the patch at any level. */
  samples: number;
}

export const DEFAULT_PATCH_MATCH: Readonly<PatchMatchOptions> = {
  context: 1.25,
  range: 40,
  scaleStep: 0.03,
  scaleSteps: 2,
  samples: 12,
};

export interface PatchMatch {
  /** The box moved (and scaled about its centre) to where the patch was found, in the same pixels as the input box. */
  box: Rect;
  /** Zero-mean normalised cross-correlation of the best match, -1..1: how sure the match is. */
  ncc: number;
  /** Standard deviation of the patch's luma (0..255): a flat patch (a wall, a dark frame) matches anywhere. */
  texture: number;
}

interface Patch {
  /** Sample positions, whole pixels of the level (so the search's whole-pixel steps need no interpolation). */
  ix: Int32Array;
  iy: Int32Array;
  /** The same as offsets from the patch centre, for scaled and sub-pixel scores. */
  ox: Float32Array;
  oy: Float32Array;
  /** Zero-mean template values and their norm. */
  t: Float32Array;
  norm: number;
  /** Each sample's index into a level `width` pixels wide, and the samples' bounds, for the unclamped path. */
  width: number;
  at: Int32Array;
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
}

/** Bilinear read of `l` at (x, y), edges clamped. */
function sample(l: Luma, x: number, y: number): number {
  const cx = Math.min(l.width - 1, Math.max(0, x));
  const cy = Math.min(l.height - 1, Math.max(0, y));
  const x0 = Math.floor(cx);
  const y0 = Math.floor(cy);
  const x1 = Math.min(l.width - 1, x0 + 1);
  const y1 = Math.min(l.height - 1, y0 + 1);
  const fx = cx - x0;
  const fy = cy - y0;
  const d = l.data;
  const top = d[y0 * l.width + x0]! * (1 - fx) + d[y0 * l.width + x1]! * fx;
  const bottom = d[y1 * l.width + x0]! * (1 - fx) + d[y1 * l.width + x1]! * fx;
  return top * (1 - fy) + bottom * fy;
}

/** A grid of samples over a w x h patch centred at (cx, cy) of `l` (level pixels), on whole pixels. */
function takePatch(l: Luma, cx: number, cy: number, w: number, h: number, most: number): Patch {
  const nx = Math.max(3, Math.min(most, Math.round(w)));
  const ny = Math.max(3, Math.min(most, Math.round(h)));
  const n = nx * ny;
  const ix = new Int32Array(n);
  const iy = new Int32Array(n);
  const ox = new Float32Array(n);
  const oy = new Float32Array(n);
  const t = new Float32Array(n);
  let mean = 0;
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const k = j * nx + i;
      ix[k] = Math.round(cx + ((i + 0.5) / nx - 0.5) * w);
      iy[k] = Math.round(cy + ((j + 0.5) / ny - 0.5) * h);
      ox[k] = ix[k]! - cx;
      oy[k] = iy[k]! - cy;
      t[k] = sample(l, ix[k]!, iy[k]!);
      mean += t[k]!;
    }
  }
  mean /= n;
  let norm = 0;
  for (let k = 0; k < n; k++) {
    t[k]! -= mean;
    norm += t[k]! * t[k]!;
  }
  const at = new Int32Array(n);
  for (let k = 0; k < n; k++) at[k] = iy[k]! * l.width + ix[k]!;
  // The grid is regular, so its corners bound it.
  return {
    ix,
    iy,
    ox,
    oy,
    t,
    norm: Math.sqrt(norm),
    width: l.width,
    at,
    minX: ix[0]!,
    maxX: ix[n - 1]!,
    minY: iy[0]!,
    maxY: iy[n - 1]!,
  };
}

/** NCC of two sample runs: the zero-mean template and the candidate's sums. */
function ncc(p: Patch, sum: number, sum2: number, cross: number): number {
  const variance = sum2 - (sum * sum) / p.t.length;
  // The template is zero-mean, so the candidate's mean drops out of the cross term.
  return variance > 1e-6 && p.norm > 1e-6 ? cross / (p.norm * Math.sqrt(variance)) : -1;
}

/** NCC of the patch moved by whole pixels (dx, dy): plain reads, edges clamped. */
function scoreAt(p: Patch, l: Luma, dx: number, dy: number): number {
  const n = p.t.length;
  const d = l.data;
  const wMax = l.width - 1;
  const hMax = l.height - 1;
  let sum = 0;
  let sum2 = 0;
  let cross = 0;
  // The exhaustive search calls this hundreds of times a face and frame: inside the picture no read needs clamping.
  if (p.width === l.width && p.minX + dx >= 0 && p.maxX + dx <= wMax && p.minY + dy >= 0 && p.maxY + dy <= hMax) {
    const shift = dy * l.width + dx;
    for (let k = 0; k < n; k++) {
      const v = d[p.at[k]! + shift]!;
      sum += v;
      sum2 += v * v;
      cross += v * p.t[k]!;
    }
    return ncc(p, sum, sum2, cross);
  }
  for (let k = 0; k < n; k++) {
    const x = Math.min(wMax, Math.max(0, p.ix[k]! + dx));
    const y = Math.min(hMax, Math.max(0, p.iy[k]! + dy));
    const v = d[y * l.width + x]!;
    sum += v;
    sum2 += v * v;
    cross += v * p.t[k]!;
  }
  return ncc(p, sum, sum2, cross);
}

/** NCC of the patch against `l` with its centre at (cx, cy), scaled by s (interpolated). */
function score(p: Patch, l: Luma, cx: number, cy: number, s: number): number {
  const n = p.t.length;
  let sum = 0;
  let sum2 = 0;
  let cross = 0;
  for (let k = 0; k < n; k++) {
    const v = sample(l, cx + s * p.ox[k]!, cy + s * p.oy[k]!);
    sum += v;
    sum2 += v * v;
    cross += v * p.t[k]!;
  }
  return ncc(p, sum, sum2, cross);
}

/** Offset of a parabola's peak through three equally spaced scores, in steps (-0.5..0.5). */
function peak(left: number, mid: number, right: number): number {
  const d = left - 2 * mid + right;
  return d < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (left - right)) / d)) : 0;
}

/**
 * Finds `box` (in luma pixels of `from`'s level 0) in `to`, starting from `guess` (the displacement expected, same
 * pixels). Undefined when the box is not inside the picture enough to be matched.
 */
export function matchPatch(
  from: Pyramid,
  to: Pyramid,
  box: Rect,
  guess: { dx: number; dy: number },
  o: PatchMatchOptions = DEFAULT_PATCH_MATCH,
): PatchMatch | undefined {
  const w = box.w * o.context;
  const h = box.h * o.context;
  const cx = box.x + box.w / 2;
  const cy = box.y + box.h / 2;
  const base = from[0]!;
  if (cx < 0 || cy < 0 || cx >= base.width || cy >= base.height || Math.min(w, h) < 4) return undefined;
  // Start at the coarsest level where the patch is still at least 4 px and the search at most 8 steps a side. (From 6
  // px, a face under 24 luma px was searched exhaustively at a finer level: twice the tracker's time on the motion
  // clips, and picture-tight boxes leaked 20 face-frames there instead of 9.)
  let level = 0;
  while (
    level + 1 < Math.min(from.length, to.length) &&
    Math.min(w, h) / 2 ** (level + 1) >= 4 &&
    o.range / 2 ** level > 8
  )
    level++;
  let dx = guess.dx / 2 ** level;
  let dy = guess.dy / 2 ** level;
  let reach = Math.ceil(o.range / 2 ** level);
  for (; level >= 0; level--) {
    const f = 2 ** level;
    const patch = takePatch(from[level]!, cx / f, cy / f, w / f, h / f, o.samples);
    const l = to[level]!;
    const cx0 = Math.round(dx);
    const cy0 = Math.round(dy);
    let bx = cx0;
    let by = cy0;
    let best = -2;
    for (let y = cy0 - reach; y <= cy0 + reach; y++) {
      for (let x = cx0 - reach; x <= cx0 + reach; x++) {
        const s = scoreAt(patch, l, x, y);
        if (s > best) {
          best = s;
          bx = x;
          by = y;
        }
      }
    }
    dx = bx;
    dy = by;
    if (level === 0) {
      // Sub-pixel position from the scores either side, then the size change that fits best.
      const sx = peak(scoreAt(patch, l, bx - 1, by), best, scoreAt(patch, l, bx + 1, by));
      const sy = peak(scoreAt(patch, l, bx, by - 1), best, scoreAt(patch, l, bx, by + 1));
      let scale = 1;
      for (let i = -o.scaleSteps; i <= o.scaleSteps; i++) {
        const s = (1 + o.scaleStep) ** i;
        const v = i === 0 ? best : score(patch, l, cx + bx + sx, cy + by + sy, s);
        if (v > best) {
          best = v;
          scale = s;
        }
      }
      const nw = box.w * scale;
      const nh = box.h * scale;
      const texture = patch.norm / Math.sqrt(patch.t.length);
      return { box: { x: cx + bx + sx - nw / 2, y: cy + by + sy - nh / 2, w: nw, h: nh }, ncc: best, texture };
    }
    dx *= 2;
    dy *= 2;
    reach = 2;
  }
  return undefined;
}
