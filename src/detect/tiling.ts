import { letterboxCrop } from './preprocess';
import type { InputSize, ModelSpec } from './model';
import type { Rect } from '../core/types';

/** One grid of square tiles over the frame. */
export interface TileGrid {
  /** Tile side as a fraction of the frame's short side. */
  side: number;
  /** Least overlap of neighbouring tiles, as a fraction of the side: faces up to this size lie whole in some tile. */
  overlap: number;
}

/**
 * Which crops the detector runs besides the whole frame. The 256 model sees the whole frame letterboxed to its
 * input, so a face under ~40 px of a 720p frame is a few model pixels and vanishes; tiles see it larger.
 */
export interface TilePlan {
  grids: readonly TileGrid[];
  /** Tiles are never smaller than this many frame pixels: below the model's input they would only upscale. */
  minSidePx: number;
  /**
   * Drop a tile's candidates that reach an edge the tile shares with the frame's inside (a cut face). A face that
   * fits the overlap lies whole in a neighbour; a larger one is seen by the whole frame or a coarser grid.
   */
  dropCut: boolean;
  /**
   * A model of free size also sees the whole frame at this many times the whole-frame crop's input side (capped by
   * its largest input), scheduled as one more tile; 1 or unset: no such look. Fixed-size models ignore it.
   */
  upscale?: number;
}

/** The whole frame only: one model run per frame. */
export const NO_TILES: TilePlan = { grids: [], minSidePx: 256, dropCut: false };

/**
 * The detector's default, chosen with `npm run eval` on the whole dev set (../shared/data/faces/wider_val_public):
 * tiles of 0.6 x the short side, 25% overlap, cut faces dropped: 9 crops on a 720p frame (whole frame + 4 x 2),
 * 7 on 640x480. Finer or two-level grids gain 1-3 points of recall for twice the model runs.
 */
export const DEFAULT_TILE_PLAN: TilePlan = { grids: [{ side: 0.6, overlap: 0.25 }], minSidePx: 256, dropCut: true };

/** A model input: a rectangle of the frame (parts outside it are black) and the input size it is sampled to. */
export interface Crop {
  rect: Rect;
  /** Sides of the crop that cut through the frame, in order left, top, right, bottom; all false for the whole frame. */
  inner: readonly [boolean, boolean, boolean, boolean];
  /** Same aspect as `rect`: the crop is scaled uniformly. */
  input: InputSize;
  /**
   * How many times larger than the whole-frame crop this crop shows the frame, where it is a deliberate second look
   * (TilePlan.upscale); unset: 1. Such a look keeps no box by the rule for tall boxes (detector.ts, cropRule).
   */
  zoom?: number;
}

const NOT_INNER = [false, false, false, false] as const;
const roundUp = (v: number, m: number) => Math.max(m, Math.ceil(v / m) * m);

/**
 * The whole frame as the model's input. A fixed-size model sees it letterboxed into its square; a model of free
 * size sees it at `side` pixels along its long side (undefined: the frame's own, capped by the model's maxSide),
 * padded bottom and right to the model's multiple, as such models are trained.
 */
export function wholeFrameCrop(spec: ModelSpec, frameW: number, frameH: number, side?: number): Crop {
  const input = spec.input;
  if (input.kind === 'fixed') {
    return { rect: letterboxCrop(frameW, frameH), inner: NOT_INNER, input: { width: input.side, height: input.side } };
  }
  const long = Math.max(frameW, frameH);
  const scale = Math.min(side ?? long, input.maxSide) / long;
  const width = roundUp(frameW * scale, input.multiple);
  const height = roundUp(frameH * scale, input.multiple);
  return { rect: { x: 0, y: 0, w: width / scale, h: height / scale }, inner: NOT_INNER, input: { width, height } };
}

/** A square tile's input: the fixed size, or the tile's own side in the model's multiples (never below it). */
function tileInput(spec: ModelSpec, side: number): InputSize {
  const s = spec.input.kind === 'fixed' ? spec.input.side : roundUp(side, spec.input.multiple);
  return { width: s, height: s };
}

/** Start positions of tiles of `side` along a frame axis of `length`: first and last flush with the ends, evenly spaced. */
export function tileStarts(length: number, side: number, overlap: number): number[] {
  if (side >= length) return [Math.round((length - side) / 2)];
  const n = Math.ceil((length - side) / (side * (1 - overlap))) + 1;
  return Array.from({ length: n }, (_, i) => Math.round((i * (length - side)) / (n - 1)));
}

function grid(frameW: number, frameH: number, side: number, overlap: number, input: InputSize): Crop[] {
  const xs = tileStarts(frameW, side, overlap);
  const ys = tileStarts(frameH, side, overlap);
  const crops: Crop[] = [];
  for (const y of ys) {
    for (const x of xs) {
      crops.push({
        rect: { x, y, w: side, h: side },
        inner: [x > 0, y > 0, x + side < frameW, y + side < frameH],
        input,
      });
    }
  }
  return crops;
}

/**
 * The crops to run on a frame, whole frame first (wholeFrameCrop, `side` its long side for a model of free size),
 * then each grid's tiles row by row.
 */
export function planCrops(spec: ModelSpec, frameW: number, frameH: number, plan: TilePlan, side?: number): Crop[] {
  const whole = wholeFrameCrop(spec, frameW, frameH, side);
  const crops: Crop[] = [whole];
  const up = plan.upscale ?? 1;
  if (spec.input.kind === 'free' && up > 1) {
    const larger = wholeFrameCrop(spec, frameW, frameH, Math.max(whole.input.width, whole.input.height) * up);
    if (larger.input.width > whole.input.width) crops.push({ ...larger, zoom: larger.input.width / whole.input.width });
  }
  const sides = new Set<number>();
  for (const g of plan.grids) {
    if (!(g.side > 0) || !(g.overlap >= 0 && g.overlap < 1)) {
      throw new RangeError(
        `tiling: a grid needs side > 0 and overlap in [0, 1), got side ${g.side}, overlap ${g.overlap}`,
      );
    }
    const side = Math.round(Math.max(plan.minSidePx, g.side * Math.min(frameW, frameH)));
    // A tile as large as the frame's long side is the whole frame again; equal sides are the same grid.
    if (side >= Math.max(frameW, frameH) || sides.has(side)) continue;
    sides.add(side);
    crops.push(...grid(frameW, frameH, side, g.overlap, tileInput(spec, side)));
  }
  return crops;
}

/**
 * Each tile's model input in pixels over the whole frame's (`crops` as planCrops gives them): what a tile costs to
 * run, in whole-frame runs.
 */
export function cropCosts(crops: readonly Crop[]): number[] {
  const [whole, ...tiles] = crops;
  const px = (c: Crop) => c.input.width * c.input.height;
  return tiles.map((t) => px(t) / px(whole!));
}

/** Whether `box` (frame pixels) reaches within `marginPx` of, or past, one of the crop's inner edges. */
export function isCut(box: Rect, crop: Crop, marginPx: number): boolean {
  const { rect: r, inner } = crop;
  return (
    (inner[0] && box.x <= r.x + marginPx) ||
    (inner[1] && box.y <= r.y + marginPx) ||
    (inner[2] && box.x + box.w >= r.x + r.w - marginPx) ||
    (inner[3] && box.y + box.h >= r.y + r.h - marginPx)
  );
}

/**
 * Reads a plan from text: `off`, or grids `SIDE:OVERLAP` joined by commas (e.g. `0.5:0.25,1:0.2`; none: an empty
 * string), optionally followed by `/min=PX`, `/cut=keep|drop` and `/up=K` (TilePlan.upscale). Unset fields come from
 * `base`; `off` also turns the upscaled look off.
 */
export function parseTilePlan(text: string, base: TilePlan): TilePlan {
  if (text === 'off') return { ...base, grids: [], upscale: 1 };
  const [gridText, ...opts] = text.split('/');
  const grids = (gridText === '' ? [] : gridText.split(',')).map((g) => {
    const [side, overlap, extra] = g.split(':').map(Number);
    if (extra !== undefined || !(side > 0) || !(overlap >= 0 && overlap < 1)) {
      throw new RangeError(`tiling: "${g}" is not SIDE:OVERLAP with side > 0 and overlap in [0, 1)`);
    }
    return { side, overlap };
  });
  const plan: TilePlan = { ...base, grids };
  for (const o of opts) {
    const [key, value] = o.split('=');
    if (key === 'min' && Number(value) > 0) plan.minSidePx = Number(value);
    else if (key === 'cut' && (value === 'keep' || value === 'drop')) plan.dropCut = value === 'drop';
    else if (key === 'up' && Number(value) >= 1) plan.upscale = Number(value);
    else throw new RangeError(`tiling: unknown option "${o}" (expected min=PX, cut=keep|drop or up=K)`);
  }
  return plan;
}

/** The inverse of parseTilePlan, for logs and result files. */
export function formatTilePlan(plan: TilePlan): string {
  const up = (plan.upscale ?? 1) > 1 ? `/up=${plan.upscale}` : '';
  if (plan.grids.length === 0) return up === '' ? 'off' : up;
  return `${plan.grids.map((g) => `${g.side}:${g.overlap}`).join(',')}/min=${plan.minSidePx}/cut=${plan.dropCut ? 'drop' : 'keep'}${up}`;
}

/**
 * Which tiles a detection runs when it may run only some: the whole frame always, then the tiles in turn across
 * calls, so live video spreads them over several frames while the tracker holds what they found.
 */
export class TileRotation {
  #next = 0;

  /** `crops` (the whole frame first) cut to the whole frame and `maxTiles` tiles, continuing where the last call stopped. */
  pick(crops: Crop[], maxTiles: number): Crop[] {
    const [whole, ...tiles] = crops;
    if (tiles.length <= maxTiles) return crops;
    const picked = Array.from({ length: Math.max(0, maxTiles) }, (_, i) => tiles[(this.#next + i) % tiles.length]!);
    this.#next = (this.#next + picked.length) % tiles.length;
    return [whole!, ...picked];
  }
}
