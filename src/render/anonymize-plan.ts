import { SOLID_MARGIN_PX, type MaskShape } from './mask-shape';
import { EMPTY_SPAN, clampSpan, isEmpty, unionSpan, type Span } from './span';

/** Ellipse semi-axes in frame pixels, already scaled by the mask scale. */
export interface FaceMask {
  cx: number;
  cy: number;
  rx: number;
  ry: number;
  /** The user chose to show this face: never blurred, always outlined. */
  excluded?: boolean;
}

/**
 * What covers a face. gaussian: a blur whose sigma follows the face size (sigmaForFace). mosaic: blocks of the
 * face's mean colour, a fixed number across the face (mosaicBlocksAcross). solid: one colour. strong: the mosaic,
 * then the Gaussian over it, so that de-blurring recovers at most the mosaic.
 */
export type AnonymizeEffect = 'gaussian' | 'mosaic' | 'solid' | 'strong';
export const ANONYMIZE_EFFECTS: readonly AnonymizeEffect[] = ['gaussian', 'mosaic', 'solid', 'strong'];
export const DEFAULT_EFFECT: AnonymizeEffect = 'gaussian';
/** 0..255 per channel. */
export type Rgb = readonly [number, number, number];
export const DEFAULT_SOLID_COLOR: Rgb = [0, 0, 0];

export interface AnonymizeParams {
  masks: readonly FaceMask[];
  /** Fail closed: anonymize the whole frame, whatever the masks say (always the full-frame blur, opaque). */
  fullFrame: boolean;
  /** 0..1 slider; see sigmaForFace and mosaicBlocksAcross. */
  strength: number;
  shape: 'ellipse' | 'box';
  /** Soft edge width, lying outside the mask so the mask itself is fully covered. */
  featherPx: number;
  /** Debug overlay: outline every mask. */
  outlines: boolean;
  /** Default DEFAULT_EFFECT; anything not in ANONYMIZE_EFFECTS counts as the default. */
  effect?: AnonymizeEffect;
  /** Fill of the solid effect, 0..255 per channel (rounded, clamped; non-finite counts as 0). Default black. */
  color?: Rgb;
  /**
   * Overlay output (OBS): alpha 0 outside every mask and its feather, the mask's coverage inside, colour
   * premultiplied by alpha. Ignored when failing closed, whose output is the whole frame, opaque.
   */
  transparent?: boolean;
}

/** Taps per side of any one blur pass; a face needing more blurs on a coarser grid instead. */
export const MAX_RADIUS = 24;
export const DEFAULT_MAX_FACES = 64;
export const DEFAULT_FEATHER_PX = 3;
/** Full-frame mode keeps about this many coarse cells across the frame's short side... */
export const FULL_FRAME_CELLS = 16;
/** ...and blurs them by this sigma, in cells: a face filling the frame ends up as blurred as a default-strength face. */
export const FULL_FRAME_SIGMA = 2.5;
const MIN_SIGMA = 1;
const MIN_RADIUS_PX = 0.5;
const MAX_FEATHER_PX = 4096;
/** Keeps a cell's integer sum of 0..255 values inside a u32; a cell that size already spans any frame. */
const MAX_FACTOR = 4096;

/** Bits of PlannedFace.flags, shared with anonymize.wgsl. */
export const FaceFlag = { blur: 1, outline: 2, excluded: 4, box: 8, coarse: 16 } as const;

export interface PlannedFace extends MaskShape {
  flags: number;
  /** Gaussian sigma in frame pixels; among overlapping faces the largest wins. */
  sigma: number;
  /** Taps per side, in pixels of the grid the face blurs on (the frame, or the coarse grid). */
  radius: number;
  /** The normalized half kernel, weights[0] the centre tap; f32 as the GPU reads it. */
  weights: Float32Array;
  /** Frame pixels where the face can have coverage or outline; coverage is 0 outside, whatever the shape math says. */
  rect: Span;
  /** Pixels of blur_h's output the face needs: frame pixels, or coarse cells for coarse faces. */
  support: Span;
  /** Coarse cells of the vertical blur that the composite samples (coarse faces only). */
  vrect: Span;
}

/** Everything both the GPU pass and its CPU twin decide per frame, decided once here. */
export interface AnonymizePlan {
  width: number;
  height: number;
  featherPx: number;
  /** Failing closed: faces[0] covers the frame and the others, if any, are only outlined. */
  fullFrame: boolean;
  faces: PlannedFace[];
  /** Coarse cell size in frame pixels. */
  factor: number;
  coarseWidth: number;
  coarseHeight: number;
  /** Where each pass runs; empty spans skip the pass. */
  directH: Span;
  coarseDown: Span;
  coarseH: Span;
  coarseV: Span;
  /** Where faces blur; outside it the input is copied. */
  region: Span;
  /** Where outlines are drawn. */
  outlines: Span;
}

/**
 * Gaussian sigma for a face: sigma = (0.15 + 0.25 * strength) * max(rx, ry), at least 1 px. Proportional to
 * the face, so a face is equally unrecognizable at any distance. At the default 0.5 sigma is 0.275 of the
 * larger semi-axis: the mask's long axis spans about 7 sigma, leaving skin tone and a rough head shape
 * (on the test portrait, over 90% of the detail energy inside the face goes). 0 still gives 0.15, 1 gives 0.4.
 * A non-finite strength counts as 1.
 */
export function sigmaForFace(strength: number, rx: number, ry: number): number {
  const s = Number.isFinite(strength) ? Math.min(Math.max(strength, 0), 1) : 1;
  return Math.max(MIN_SIGMA, (0.15 + 0.25 * s) * Math.max(rx, ry));
}

/** Normalized half kernel: w[0] + 2 * sum(w[1..radius]) = 1. */
export function gaussianHalfKernel(sigma: number, radius: number): Float32Array {
  const w = Array.from({ length: radius + 1 }, (_, i) => Math.exp((-i * i) / (2 * sigma * sigma)));
  const total = w.reduce((s, v, i) => s + (i === 0 ? v : 2 * v), 0);
  return Float32Array.from(w, (v) => v / total);
}

/** Valid after rounding to f32, as the GPU stores it (1e39 is finite here and infinite there). */
function isValidMask(m: FaceMask): boolean {
  return [m.cx, m.cy, m.rx, m.ry].every((v) => Number.isFinite(Math.fround(v))) && m.rx >= 0 && m.ry >= 0;
}

/** Integer floor of a / b for b > 0. */
function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

function maskRect(m: MaskShape, featherPx: number, width: number, height: number): Span {
  // Pixel x has its centre at x + 0.5; coverage vanishes beyond r + margin + feather.
  const ex = m.rx + SOLID_MARGIN_PX + featherPx;
  const ey = m.ry + SOLID_MARGIN_PX + featherPx;
  return clampSpan([Math.floor(m.cx - ex - 0.5), Math.floor(m.cy - ey - 0.5),
    Math.ceil(m.cx + ex - 0.5), Math.ceil(m.cy + ey - 0.5)], width, height);
}

interface Draft extends MaskShape {
  flags: number;
  sigma: number;
  rect: Span;
}

/**
 * Turns the UI's masks into per-face kernels and pass extents. Anything that could leave a face unblurred
 * (non-finite or negative geometry, more masks than the GPU buffer holds) becomes full-frame anonymization.
 */
export function planAnonymize(width: number, height: number, p: AnonymizeParams, maxFaces = DEFAULT_MAX_FACES): AnonymizePlan {
  const featherPx = Math.fround(Number.isFinite(p.featherPx)
    ? Math.min(Math.max(p.featherPx, 0), MAX_FEATHER_PX) : DEFAULT_FEATHER_PX);
  const valid = p.masks.filter(isValidMask);
  const fullFrame = p.fullFrame || valid.length !== p.masks.length || p.masks.length > maxFaces;
  const box = p.shape === 'box';

  const drafts: Draft[] = [];
  for (const m of valid.slice(0, maxFaces)) {
    // f32 geometry, so the twin and the GPU see the same mask.
    const shape = { cx: Math.fround(m.cx), cy: Math.fround(m.cy), rx: Math.fround(Math.max(m.rx, MIN_RADIUS_PX)),
      ry: Math.fround(Math.max(m.ry, MIN_RADIUS_PX)), box };
    const blur = !fullFrame && !m.excluded;
    const flags = (blur ? FaceFlag.blur : 0) | (m.excluded || p.outlines ? FaceFlag.outline : 0)
      | (m.excluded ? FaceFlag.excluded : 0) | (box ? FaceFlag.box : 0);
    const rect = maskRect(shape, featherPx, width, height);
    if (flags & (FaceFlag.blur | FaceFlag.outline) && !isEmpty(rect)) {
      drafts.push({ ...shape, flags, sigma: Math.fround(sigmaForFace(p.strength, shape.rx, shape.ry)), rect });
    }
  }

  const isCoarse = (d: Draft) => (d.flags & FaceFlag.blur) !== 0 && Math.ceil(3 * d.sigma) > MAX_RADIUS;
  const maxCoarseSigma = Math.max(0, ...drafts.filter(isCoarse).map((d) => d.sigma));
  const factor = fullFrame
    ? Math.max(1, Math.ceil(Math.min(width, height) / FULL_FRAME_CELLS))
    : Math.min(MAX_FACTOR, Math.max(2, Math.ceil(maxCoarseSigma / (MAX_RADIUS / 3))));
  const coarseWidth = Math.ceil(width / factor);
  const coarseHeight = Math.ceil(height / factor);

  const plan: AnonymizePlan = {
    width, height, featherPx, fullFrame, faces: [], factor, coarseWidth, coarseHeight,
    directH: EMPTY_SPAN, coarseDown: EMPTY_SPAN, coarseH: EMPTY_SPAN, coarseV: EMPTY_SPAN, region: EMPTY_SPAN, outlines: EMPTY_SPAN,
  };

  const addCoarse = (d: Draft, sigmaCells: number) => {
    const radius = Math.min(MAX_RADIUS, Math.ceil(3 * sigmaCells));
    const [x0, y0, x1, y1] = d.rect;
    // Cells the composite's bilinear taps reach from any pixel of the rect (see bilinear in anonymize.wgsl).
    const vrect = clampSpan([floorDiv(2 * x0 + 1 - factor, 2 * factor), floorDiv(2 * y0 + 1 - factor, 2 * factor),
      floorDiv(2 * x1 + 1 - factor, 2 * factor) + 1, floorDiv(2 * y1 + 1 - factor, 2 * factor) + 1], coarseWidth, coarseHeight);
    const support = clampSpan([vrect[0], vrect[1] - radius, vrect[2], vrect[3] + radius], coarseWidth, coarseHeight);
    const weights = gaussianHalfKernel(sigmaCells, radius);
    plan.faces.push({ ...d, flags: d.flags | FaceFlag.coarse, radius, weights, support, vrect });
    plan.coarseV = unionSpan(plan.coarseV, vrect);
    plan.coarseH = unionSpan(plan.coarseH, support);
    plan.coarseDown = unionSpan(plan.coarseDown,
      clampSpan([support[0] - radius, support[1], support[2] + radius, support[3]], coarseWidth, coarseHeight));
  };

  if (fullFrame) {
    const cover: Draft = { cx: width / 2, cy: height / 2, rx: width / 2, ry: height / 2, box: true,
      flags: FaceFlag.blur | FaceFlag.box, sigma: FULL_FRAME_SIGMA * factor, rect: [0, 0, width - 1, height - 1] };
    addCoarse(cover, FULL_FRAME_SIGMA);
  }
  for (const d of drafts) {
    if (!(d.flags & FaceFlag.blur)) {
      plan.faces.push({ ...d, radius: 0, weights: new Float32Array(1), support: EMPTY_SPAN, vrect: EMPTY_SPAN });
    } else if (isCoarse(d)) {
      addCoarse(d, d.sigma / factor);
    } else {
      const radius = Math.ceil(3 * d.sigma);
      const [x0, y0, x1, y1] = d.rect;
      const support = clampSpan([x0, y0 - radius, x1, y1 + radius], width, height);
      plan.faces.push({ ...d, radius, weights: gaussianHalfKernel(d.sigma, radius), support, vrect: EMPTY_SPAN });
      plan.directH = unionSpan(plan.directH, support);
    }
  }
  for (const f of plan.faces) {
    if (f.flags & FaceFlag.blur) plan.region = unionSpan(plan.region, f.rect);
    if (f.flags & FaceFlag.outline) plan.outlines = unionSpan(plan.outlines, f.rect);
  }
  return plan;
}
