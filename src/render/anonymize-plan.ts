import { SOLID_MARGIN_PX, type MaskShape } from './mask-shape';
import { EMPTY_SPAN, clampSpan, isEmpty, type Span } from './span';

/** Ellipse semi-axes in frame pixels, already scaled by the mask scale. */
export interface FaceMask {
  cx: number;
  cy: number;
  rx: number;
  ry: number;
  /** The user chose to show this face: never blurred, always outlined. */
  excluded?: boolean;
  /** A box (semi-axes rx, ry) whatever the frame's shape: what is covered is a region, not a face. */
  box?: boolean;
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
/** Keeps a cell's fixed-point sum inside a u32 (1024^2 * 4095 < 2^32); a cell that size already spans any frame. */
const MAX_FACTOR = 1024;
/** Same bound for a mosaic block: more blocks than mosaicBlocksAcross only on faces over 10000 px. */
export const MAX_BLOCK = 1024;
/** Keeps block grid origins exact integers far from the frame. */
const MAX_ANCHOR = 2 ** 24;

/** Bits of PlannedFace.flags, shared with anonymize.wgsl. */
export const FaceFlag = { blur: 1, outline: 2, excluded: 4, box: 8, coarse: 16 } as const;
/** AnonymizePlan.effect as anonymize.wgsl numbers it. */
export const EffectCode: Record<AnonymizeEffect, number> = { gaussian: 0, mosaic: 1, solid: 2, strong: 3 };

export interface PlannedFace extends MaskShape {
  /** FaceFlag.blur means "anonymized", whatever the effect. */
  flags: number;
  /** Gaussian sigma in frame pixels; among overlapping faces the largest wins, for every effect. */
  sigma: number;
  /** Taps per side, in pixels of the grid the face blurs on (the frame, or the coarse grid); 0 without blur. */
  radius: number;
  /** The normalized half kernel, weights[0] the centre tap; f32 as the GPU reads it. */
  weights: Float32Array;
  /** Frame pixels where the face can have coverage or outline; coverage is 0 outside, whatever the shape math says. */
  rect: Span;
  /** Pixels of blur_h's output the face needs: frame pixels, or coarse cells for coarse faces. */
  support: Span;
  /** Coarse cells of the vertical blur that the composite samples (coarse faces only). */
  vrect: Span;
  /** Mosaic block side in pixels; 0 when the face has no blocks (gaussian, solid). */
  block: number;
  /** Top-left pixel of the face's first block (may lie outside the frame). */
  blockOrigin: readonly [number, number];
  /** Blocks across and down; together they cover the rect (mosaic) or everything the blur reads (strong). */
  blockCount: readonly [number, number];
  /** Index of the face's first block in the plan's block list (row-major per face). */
  blockBase: number;
  /** GPU threads that sum each block (rows modulo lanes), and the face's first one. */
  blockLanes: number;
  threadBase: number;
}

/** Where each stage of the pass works: lists of spans, one or more per face, dispatched as 8x8 tiles. */
export interface PlanSpans {
  /** strong: frame pixels the blur reads, filled with the mosaic first. */
  fill: Span[];
  /** Frame pixels of the full-resolution horizontal blur. */
  directH: Span[];
  /** Coarse cells: the box filter, the horizontal and the vertical blur. */
  coarseDown: Span[];
  coarseH: Span[];
  coarseV: Span[];
  /** Frame pixels the faces cover (feather included); the input is copied (or cleared, if transparent) elsewhere. */
  composite: Span[];
  /** Where outlines are drawn. */
  outlines: Span[];
}

/** Everything both the GPU pass and its CPU twin decide per frame, decided once here. */
export interface AnonymizePlan {
  width: number;
  height: number;
  featherPx: number;
  /** Failing closed: faces[0] covers the frame and the others, if any, are only outlined. */
  fullFrame: boolean;
  /** The effect in use: always gaussian when failing closed. */
  effect: AnonymizeEffect;
  /** Integers 0..255. */
  color: Rgb;
  /** Never when failing closed. */
  transparent: boolean;
  faces: PlannedFace[];
  /** Blocks of all faces together, and the GPU threads that sum them. */
  blockTotal: number;
  blockThreads: number;
  /** Coarse cell size in frame pixels. */
  factor: number;
  coarseWidth: number;
  coarseHeight: number;
  spans: PlanSpans;
}

/**
 * Gaussian sigma for a face: sigma = (0.15 + 0.25 * strength) * max(rx, ry), at least 1 px. Proportional to
 * the face, so a face is equally unrecognizable at any distance. At the default 0.5 sigma is 0.275 of the
 * larger semi-axis: the mask's long axis spans about 7 sigma, leaving skin tone and a rough head shape
 * (on the test portrait, over 90% of the detail energy inside the face goes). 0 still gives 0.15, 1 gives 0.4.
 * A non-finite strength counts as 1.
 */
export function sigmaForFace(strength: number, rx: number, ry: number): number {
  return Math.max(MIN_SIGMA, (0.15 + 0.25 * clampStrength(strength)) * Math.max(rx, ry));
}

/**
 * Mosaic blocks across the mask's longer axis: 14 at strength 0, 10 at the default 0.5, 6 at 1. With the
 * default mask scale 1.3 the face itself spans about 7.7 blocks at the default.
 */
export function mosaicBlocksAcross(strength: number): number {
  return 14 - 8 * clampStrength(strength);
}

/** Block side in whole pixels: the mask's longer diameter over mosaicBlocksAcross, 1..MAX_BLOCK. */
export function mosaicBlockSize(strength: number, rx: number, ry: number): number {
  return Math.min(MAX_BLOCK, Math.max(1, Math.round((2 * Math.max(rx, ry)) / mosaicBlocksAcross(strength))));
}

function clampStrength(strength: number): number {
  return Number.isFinite(strength) ? Math.min(Math.max(strength, 0), 1) : 1;
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

function effectOf(e: unknown): AnonymizeEffect {
  return ANONYMIZE_EFFECTS.includes(e as AnonymizeEffect) ? (e as AnonymizeEffect) : DEFAULT_EFFECT;
}

function colorOf(c: Rgb | undefined): Rgb {
  const channel = (v: number | undefined) => (Number.isFinite(v) ? Math.min(255, Math.max(0, Math.round(v!))) : 0);
  return c ? [channel(c[0]), channel(c[1]), channel(c[2])] : DEFAULT_SOLID_COLOR;
}

/** Integer floor of a / b for b > 0. */
function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

function maskRect(m: MaskShape, featherPx: number, width: number, height: number): Span {
  // Pixel x has its centre at x + 0.5; coverage vanishes beyond r + margin + feather.
  const ex = m.rx + SOLID_MARGIN_PX + featherPx;
  const ey = m.ry + SOLID_MARGIN_PX + featherPx;
  return clampSpan(
    [Math.floor(m.cx - ex - 0.5), Math.floor(m.cy - ey - 0.5), Math.ceil(m.cx + ex - 0.5), Math.ceil(m.cy + ey - 0.5)],
    width,
    height,
  );
}

interface Draft extends MaskShape {
  flags: number;
  sigma: number;
  rect: Span;
}

const NO_BLOCKS = {
  block: 0,
  blockOrigin: [0, 0],
  blockCount: [0, 0],
  blockBase: 0,
  blockLanes: 0,
  threadBase: 0,
} as const;
/** Most threads a mosaic block gets: one per row, up to a workgroup. */
const MAX_BLOCK_LANES = 64;

/**
 * Turns the UI's masks into per-face kernels, mosaic grids and pass extents. Anything that could leave a face
 * unanonymized (non-finite or negative geometry, more masks than the GPU buffer holds) becomes full-frame
 * anonymization.
 */
export function planAnonymize(
  width: number,
  height: number,
  p: AnonymizeParams,
  maxFaces = DEFAULT_MAX_FACES,
): AnonymizePlan {
  const featherPx = Math.fround(
    Number.isFinite(p.featherPx) ? Math.min(Math.max(p.featherPx, 0), MAX_FEATHER_PX) : DEFAULT_FEATHER_PX,
  );
  const valid = p.masks.filter(isValidMask);
  const fullFrame = p.fullFrame || valid.length !== p.masks.length || p.masks.length > maxFaces;
  const effect = fullFrame ? 'gaussian' : effectOf(p.effect);
  const blurs = effect === 'gaussian' || effect === 'strong';
  const drafts: Draft[] = [];
  for (const m of valid.slice(0, maxFaces)) {
    const box = p.shape === 'box' || m.box === true;
    // f32 geometry, so the twin and the GPU see the same mask.
    const shape = {
      cx: Math.fround(m.cx),
      cy: Math.fround(m.cy),
      rx: Math.fround(Math.max(m.rx, MIN_RADIUS_PX)),
      ry: Math.fround(Math.max(m.ry, MIN_RADIUS_PX)),
      box,
    };
    const blur = !fullFrame && !m.excluded;
    const flags =
      (blur ? FaceFlag.blur : 0) |
      (m.excluded || p.outlines ? FaceFlag.outline : 0) |
      (m.excluded ? FaceFlag.excluded : 0) |
      (box ? FaceFlag.box : 0);
    const rect = maskRect(shape, featherPx, width, height);
    if (flags & (FaceFlag.blur | FaceFlag.outline) && !isEmpty(rect)) {
      drafts.push({ ...shape, flags, sigma: Math.fround(sigmaForFace(p.strength, shape.rx, shape.ry)), rect });
    }
  }

  const isCoarse = (d: Draft) => blurs && (d.flags & FaceFlag.blur) !== 0 && Math.ceil(3 * d.sigma) > MAX_RADIUS;
  const maxCoarseSigma = Math.max(0, ...drafts.filter(isCoarse).map((d) => d.sigma));
  const factor = fullFrame
    ? Math.max(1, Math.ceil(Math.min(width, height) / FULL_FRAME_CELLS))
    : Math.min(MAX_FACTOR, Math.max(2, Math.ceil(maxCoarseSigma / (MAX_RADIUS / 3))));
  const coarseWidth = Math.ceil(width / factor);
  const coarseHeight = Math.ceil(height / factor);

  const spans: PlanSpans = {
    fill: [],
    directH: [],
    coarseDown: [],
    coarseH: [],
    coarseV: [],
    composite: [],
    outlines: [],
  };
  const plan: AnonymizePlan = {
    width,
    height,
    featherPx,
    fullFrame,
    effect,
    color: colorOf(p.color),
    transparent: !fullFrame && p.transparent === true,
    faces: [],
    blockTotal: 0,
    blockThreads: 0,
    factor,
    coarseWidth,
    coarseHeight,
    spans,
  };

  /** The face's blocks, anchored at its (rounded) centre so they move with it, covering `span`. */
  const withBlocks = (f: Omit<PlannedFace, keyof typeof NO_BLOCKS>, span: Span): PlannedFace => {
    const block = mosaicBlockSize(p.strength, f.rx, f.ry);
    const anchor = (c: number) => Math.min(MAX_ANCHOR, Math.max(-MAX_ANCHOR, Math.round(c)));
    const [ax, ay] = [anchor(f.cx), anchor(f.cy)];
    const [kx, ky] = [floorDiv(span[0] - ax, block), floorDiv(span[1] - ay, block)];
    const blockCount = [floorDiv(span[2] - ax, block) - kx + 1, floorDiv(span[3] - ay, block) - ky + 1] as const;
    const blockLanes = Math.min(MAX_BLOCK_LANES, block);
    const face = {
      ...f,
      block,
      blockOrigin: [ax + kx * block, ay + ky * block] as const,
      blockCount,
      blockBase: plan.blockTotal,
      blockLanes,
      threadBase: plan.blockThreads,
    };
    plan.blockTotal += blockCount[0] * blockCount[1];
    plan.blockThreads += blockCount[0] * blockCount[1] * blockLanes;
    return face;
  };

  /** Coarse faces blur on cells; returns the frame pixels their box filter reads. */
  const addCoarse = (d: Draft, sigmaCells: number): [Omit<PlannedFace, keyof typeof NO_BLOCKS>, Span] => {
    const radius = Math.min(MAX_RADIUS, Math.ceil(3 * sigmaCells));
    const [x0, y0, x1, y1] = d.rect;
    // Cells the composite's bilinear taps reach from any pixel of the rect (see bilinear in anonymize.wgsl).
    const vrect = clampSpan(
      [
        floorDiv(2 * x0 + 1 - factor, 2 * factor),
        floorDiv(2 * y0 + 1 - factor, 2 * factor),
        floorDiv(2 * x1 + 1 - factor, 2 * factor) + 1,
        floorDiv(2 * y1 + 1 - factor, 2 * factor) + 1,
      ],
      coarseWidth,
      coarseHeight,
    );
    const support = clampSpan([vrect[0], vrect[1] - radius, vrect[2], vrect[3] + radius], coarseWidth, coarseHeight);
    const down = clampSpan(
      [support[0] - radius, support[1], support[2] + radius, support[3]],
      coarseWidth,
      coarseHeight,
    );
    spans.coarseV.push(vrect);
    spans.coarseH.push(support);
    spans.coarseDown.push(down);
    const reads = clampSpan(
      [down[0] * factor, down[1] * factor, (down[2] + 1) * factor - 1, (down[3] + 1) * factor - 1],
      width,
      height,
    );
    return [
      {
        ...d,
        flags: d.flags | FaceFlag.coarse,
        radius,
        weights: gaussianHalfKernel(sigmaCells, radius),
        support,
        vrect,
      },
      reads,
    ];
  };

  if (fullFrame) {
    const cover: Draft = {
      cx: width / 2,
      cy: height / 2,
      rx: width / 2,
      ry: height / 2,
      box: true,
      flags: FaceFlag.blur | FaceFlag.box,
      sigma: FULL_FRAME_SIGMA * factor,
      rect: [0, 0, width - 1, height - 1],
    };
    plan.faces.push({ ...addCoarse(cover, FULL_FRAME_SIGMA)[0], ...NO_BLOCKS });
  }
  for (const d of drafts) {
    const still = { radius: 0, weights: new Float32Array(1), support: EMPTY_SPAN, vrect: EMPTY_SPAN };
    if (!(d.flags & FaceFlag.blur) || effect === 'solid') {
      plan.faces.push({ ...d, ...still, ...NO_BLOCKS });
    } else if (effect === 'mosaic') {
      plan.faces.push(withBlocks({ ...d, ...still }, d.rect));
    } else {
      let face: Omit<PlannedFace, keyof typeof NO_BLOCKS>;
      let reads: Span;
      if (isCoarse(d)) {
        [face, reads] = addCoarse(d, d.sigma / factor);
      } else {
        const radius = Math.ceil(3 * d.sigma);
        const [x0, y0, x1, y1] = d.rect;
        const support = clampSpan([x0, y0 - radius, x1, y1 + radius], width, height);
        spans.directH.push(support);
        face = { ...d, radius, weights: gaussianHalfKernel(d.sigma, radius), support, vrect: EMPTY_SPAN };
        reads = clampSpan([x0 - radius, y0 - radius, x1 + radius, y1 + radius], width, height);
      }
      if (effect === 'strong') {
        spans.fill.push(reads);
        plan.faces.push(withBlocks(face, reads));
      } else {
        plan.faces.push({ ...face, ...NO_BLOCKS });
      }
    }
  }
  for (const f of plan.faces) {
    if (f.flags & FaceFlag.blur && !fullFrame) spans.composite.push(f.rect);
    if (f.flags & FaceFlag.outline) spans.outlines.push(f.rect);
  }
  return plan;
}
